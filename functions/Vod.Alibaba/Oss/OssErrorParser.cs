using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Vod.Alibaba.Oss;

/// <summary>The fields of an OSS <c>&lt;Error&gt;</c> document.</summary>
internal sealed record OssErrorBody(string? Code, string? Message, string? RequestId, string? HostId, string? Ec);

/// <summary>Parses OSS error XML, from a body or from the Base64 <c>x-oss-err</c> header HEAD answers carry.</summary>
internal static class OssErrorParser
{
    public static OssErrorBody? Parse(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        try
        {
            var root = OssXml.Parse(xml).Root;
            if (root is null || root.Name.LocalName != "Error")
            {
                return null;
            }

            return new OssErrorBody(
                root.Element("Code")?.Value,
                root.Element("Message")?.Value,
                root.Element("RequestId")?.Value,
                root.Element("HostId")?.Value,
                root.Element("EC")?.Value);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    public static OssErrorBody? ParseHeader(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        try
        {
            return Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>Safe XML parsing (no DTDs, no external entities).</summary>
internal static class OssXml
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        MaxCharactersInDocument = 16 * 1024 * 1024,
    };

    public static XDocument Parse(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), Settings);
        return XDocument.Load(reader);
    }
}
