using System.Globalization;

namespace Vod.EndToEnd.Support;

/// <summary>Reads <c>/proc</c>: which processes belong to a group, which are children of a process.</summary>
public static class ProcessTable
{
    /// <summary>Live processes whose process group is <paramref name="groupId"/>.</summary>
    public static IReadOnlyList<int> InGroup(int groupId) => All().Where(p => p.Group == groupId).Select(p => p.Id).ToList();

    /// <summary>Live children of <paramref name="parentId"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parentId) => All().Where(p => p.Parent == parentId).Select(p => p.Id).ToList();

    /// <summary>Whether <paramref name="id"/> is a live (not zombie) process.</summary>
    public static bool IsAlive(int id) => All().Any(p => p.Id == id);

    private static IEnumerable<(int Id, int Parent, int Group)> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            // "pid (comm) state ppid pgrp …": comm may hold spaces, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] == "Z")
            {
                continue;
            }

            yield return (id, int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
        }
    }
}
