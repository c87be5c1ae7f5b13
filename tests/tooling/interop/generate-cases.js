'use strict';
// Drives Alibaba's official clients (@alicloud/pop-core for VOD/STS RPC, @alicloud/openapi-util for ACS3 V3,
// ali-oss for OSS V1/V4) over seeded, generated inputs with a frozen clock and nonce, captures exactly what they
// put on the wire (loopback capture servers), and prints the cases as JSON for the C# interop tests to replay.
//
//   node generate-cases.js --seed 42 --out cases.json
//
// Every case carries the typed inputs (what a caller of our C# client would pass) and the captured request.

const http = require('http');
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const OpenApiUtil = require('@alicloud/openapi-util').default;
const OSS = require('ali-oss');

// ali-oss prints advice about refreshSTSToken for every STS client; it is noise here.
console.warn = () => {};

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => {
  if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1]]);
  return pairs;
}, []));
const seed = Number(args.seed || 20261125);
const perKind = Number(args.perKind || 1);

// ---------- seeded randomness (mulberry32) ----------
function mulberry32(a) {
  return function () {
    a |= 0; a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(seed);
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = (list) => list[int(0, list.length - 1)];
const maybe = (p, f) => (rnd() < p ? f() : undefined);
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');

// Characters that stress the encoders: unreserved, reserved, space, already-encoded looking text, UTF-8.
const TEXT_POOL = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ' ', '-', '_', '.', '~', '!', '*', "'", '(', ')', ';', ':', '@', '&', '=', '+', '$', '/', '?', '#', '[', ']',
  '%', '%20', '%2F', '"', '<', '>', '{', '}', '|', '\\', '^', '`',
  'é', 'ß', 'Ж', '视', '频', '上', '传', '测', '試', 'の', '한', 'ä',
];
function text(min, max, pool = TEXT_POOL) {
  let s = '';
  const n = int(min, max);
  while (s.length < n) s += pick(pool);
  return s.slice(0, Math.max(min, Math.min(max, s.length))) || 'x';
}
// Titles and tags must have visible content (VOD refuses blank ones, and so does our validation).
const nonBlank = (s) => (s.trim() ? s : `${s}v`);
const SAFE_WORD = [...'abcdefghijklmnopqrstuvwxyz0123456789', 'é', '视', '频', '-', '_'];
const word = (min, max) => text(min, max, SAFE_WORD);
const VIDEO_EXT = ['mp4', 'MOV', 'mkv', 'flv', 'ts', 'm3u8', 'webm', 'avi', 'mp3', 'wav', 'm4a', 'flac', 'Mp4'];

function userData() {
  const extend = { uploadId: hex(16), note: word(1, 8) };
  const data = { Extend: extend };
  if (rnd() < 0.5) data.MessageCallback = { CallbackURL: `https://example.com/api/vod/callback?k=${word(1, 5)}` };
  return JSON.stringify(data);
}
function tags() { return Array.from({ length: int(1, 16) }, () => nonBlank(text(1, 10).replace(/,/g, ';'))); }
function sourceUrl() {
  return `https://media${int(1, 9)}.blob.core.windows.net/in/${word(1, 8)} ${text(1, 6).replace(/[#?%]/g, 'x')}.${pick(['mp4', 'mov'])}?sv=2024-01-01&sig=${hex(12)}%3D`;
}

// ---------- VOD operations: typed fields → wire params (the same rules as the C# request types) ----------
const VOD_OPS = {
  CreateUploadVideo() {
    const f = { Title: nonBlank(text(1, 60)), FileName: `${text(1, 20).replace(/[\\/]/g, '_')}.${pick(VIDEO_EXT)}` };
    f.FileSize = maybe(0.7, () => int(0, 2 ** 40));
    f.Description = maybe(0.5, () => text(0, 200));
    f.CoverURL = maybe(0.3, () => `https://img.example.com/${word(1, 6)}.jpg`);
    f.CateId = maybe(0.4, () => int(1, 10 ** 9));
    f.Tags = maybe(0.5, tags);
    f.TemplateGroupId = maybe(0.4, () => hex(32));
    f.WorkflowId = maybe(0.2, () => hex(32));
    f.StorageLocation = maybe(0.3, () => `outin-${hex(32)}.oss-cn-shanghai.aliyuncs.com`);
    f.UserData = maybe(0.5, userData);
    f.AppId = maybe(0.3, () => `app-${int(1000000, 9999999)}`);
    f.ReferenceId = maybe(0.2, () => word(1, 20));
    return f;
  },
  RefreshUploadVideo() { return { VideoId: hex(32) }; },
  CreateUploadImage() {
    const f = { ImageType: pick(['default', 'cover', 'watermark']) };
    f.ImageExt = maybe(0.7, () => pick(['png', 'jpg', 'jpeg', 'gif']));
    f.Title = maybe(0.7, () => nonBlank(text(1, 30)));
    f.Tags = maybe(0.4, tags);
    f.StorageLocation = maybe(0.2, () => `outin-${hex(32)}.oss-cn-shanghai.aliyuncs.com`);
    f.CateId = maybe(0.3, () => int(1, 10 ** 9));
    f.UserData = maybe(0.5, userData);
    f.Description = maybe(0.4, () => text(0, 100));
    f.AppId = maybe(0.2, () => 'app-1000000');
    return f;
  },
  CreateUploadAttachedMedia() {
    const f = { BusinessType: pick(['watermark', 'subtitle', 'material']) };
    f.MediaExt = maybe(0.7, () => pick(['png', 'srt', 'vtt', 'gif']));
    f.Title = maybe(0.6, () => nonBlank(text(1, 40)));
    f.FileName = maybe(0.5, () => `${word(1, 10)}.srt`);
    f.FileSize = maybe(0.5, () => int(1, 10 ** 7));
    f.Tags = maybe(0.3, tags);
    f.StorageLocation = maybe(0.2, () => `outin-${hex(32)}.oss-cn-shanghai.aliyuncs.com`);
    f.Description = maybe(0.3, () => text(0, 80));
    f.UserData = maybe(0.4, userData);
    f.CateIds = maybe(0.4, () => Array.from({ length: int(1, 5) }, () => String(int(1, 10 ** 6))));
    f.AppId = maybe(0.2, () => 'app-1000000');
    return f;
  },
  GetVideoInfo() { return { VideoId: hex(32) }; },
  GetImageInfo() { return { ImageId: hex(32), AuthTimeout: maybe(0.5, () => int(60, 86400)) }; },
  GetMezzanineInfo() { return { VideoId: hex(32), AuthTimeout: maybe(0.5, () => int(60, 86400)) }; },
  GetAttachedMediaInfo() { return { MediaIds: Array.from({ length: int(1, 20) }, () => hex(32)), AuthTimeout: maybe(0.5, () => int(60, 86400)) }; },
  DeleteVideo() { return { VideoIds: Array.from({ length: int(1, 20) }, () => hex(32)) }; },
  UploadMediaByURL() {
    const urls = Array.from({ length: int(1, 5) }, sourceUrl);
    const f = { UploadURLs: urls };
    f.TemplateGroupId = maybe(0.4, () => hex(32));
    f.StorageLocation = maybe(0.2, () => `outin-${hex(32)}.oss-cn-shanghai.aliyuncs.com`);
    f.UploadMetadatas = maybe(0.7, () => urls.filter(() => rnd() < 0.7).map((u) => {
      const m = { SourceURL: u, Title: nonBlank(text(1, 40)) };
      if (rnd() < 0.5) m.FileSize = int(1, 10 ** 9);
      if (rnd() < 0.4) m.Description = text(0, 50);
      if (rnd() < 0.3) m.CateId = int(1, 10 ** 6);
      if (rnd() < 0.3) m.Tags = 'a,b';
      return m;
    }));
    if (f.UploadMetadatas && f.UploadMetadatas.length === 0) f.UploadMetadatas = undefined;
    f.UserData = maybe(0.4, userData);
    f.AppId = maybe(0.2, () => 'app-1000000');
    f.WorkflowId = maybe(0.2, () => hex(32));
    return f;
  },
  GetURLUploadInfos() {
    return rnd() < 0.5
      ? { JobIds: Array.from({ length: int(1, 10) }, () => hex(32)) }
      : { UploadURLs: Array.from({ length: int(1, 4) }, sourceUrl) };
  },
};
const ENCODE = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const METADATA_KEYS = ['SourceURL', 'Title', 'FileSize', 'Description', 'CoverURL', 'CateId', 'Tags', 'TemplateGroupId', 'WorkflowId', 'FileExtension'];
function toWire(fields) {
  const p = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null) continue;
    if (k === 'UploadURLs') p[k] = v.map(ENCODE).join(',');
    else if (k === 'UploadMetadatas') p[k] = JSON.stringify(v.map((m) => Object.fromEntries(METADATA_KEYS.filter((key) => m[key] !== undefined).map((key) => [key, m[key]]))));
    else if (Array.isArray(v)) p[k] = v.join(',');
    else p[k] = String(v);
  }
  return p;
}
const clean = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function credential(sts) {
  return sts
    ? { accessKeyId: `STS.${hex(20)}`, accessKeySecret: text(20, 40, SAFE_WORD.concat(['+', '/', '='])), securityToken: `CAIS${text(40, 120, [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/='])}` }
    : { accessKeyId: `LTAI${hex(16)}`, accessKeySecret: text(20, 40, SAFE_WORD.concat(['+', '/'])) };
}
function frozenTime() {
  // A whole second somewhere in 2020–2030.
  return Math.floor((Date.UTC(2020, 0, 1) + rnd() * 10 * 365 * 86400 * 1000) / 1000) * 1000;
}
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ---------- capture servers ----------
function captureServer(respond) {
  const captured = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      captured.push({ method: req.method, url: req.url, headers: req.headers, body: body.toString('base64') });
      respond(req, res, body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, captured, port: server.address().port })));
}
function vodRespond(req, res) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ RequestId: 'CAPTURE' }));
}
function ossRespond(req, res, body) {
  const q = new URL(req.url, 'http://x').searchParams;
  const md5 = crypto.createHash('md5').update(body).digest('hex').toUpperCase();
  const base = { 'x-oss-request-id': 'CAPTURE', etag: `"${md5}"` };
  if (req.method === 'POST' && q.has('uploads')) {
    res.writeHead(200, { ...base, 'content-type': 'application/xml' });
    return res.end('<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>');
  }
  if (req.method === 'POST' && q.has('uploadId')) {
    res.writeHead(200, { ...base, 'content-type': 'application/xml' });
    return res.end('<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Location>l</Location><Bucket>b</Bucket><Key>k</Key><ETag>"X-1"</ETag></CompleteMultipartUploadResult>');
  }
  if (req.method === 'GET' && q.has('uploadId')) {
    res.writeHead(200, { ...base, 'content-type': 'application/xml' });
    return res.end('<?xml version="1.0" encoding="UTF-8"?><ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>U1</UploadId><IsTruncated>false</IsTruncated></ListPartsResult>');
  }
  if (req.method === 'DELETE') { res.writeHead(204, base); return res.end(); }
  if (req.method === 'HEAD') { res.writeHead(200, { ...base, 'content-length': '1' }); return res.end(); }
  if (req.method === 'GET') { res.writeHead(200, { ...base, 'content-length': '1' }); return res.end('x'); }
  res.writeHead(200, base); res.end();
}

// ---------- frozen clock for ali-oss (it reads new Date() when it builds a request) ----------
const RealDate = Date;
function freezeClock(ms) {
  global.Date = class extends RealDate {
    constructor(...a) { if (a.length === 0) super(ms); else super(...a); }
    static now() { return ms; }
  };
}
function thawClock() { global.Date = RealDate; }

// ---------- case generation ----------
async function vodCases(vod) {
  const cases = [];
  const ops = Object.keys(VOD_OPS);
  for (let round = 0; round < perKind; round++) {
    for (const action of ops) {
      for (const method of ['GET', 'POST']) {
        for (const sts of [false, true]) {
          const fields = clean(VOD_OPS[action]());
          const cred = credential(sts);
          const time = frozenTime();
          const nonce = rnd() < 0.5 ? hex(32) : `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
          const client = new RPCClient({ endpoint: `http://127.0.0.1:${vod.port}`, apiVersion: '2017-03-21', ...cred });
          const before = vod.captured.length;
          await client.request(action, { ...toWire(fields), Timestamp: iso(time), SignatureNonce: nonce }, { method, formatParams: false });
          cases.push({ kind: 'vod-v2', action, method, credential: cred, time: iso(time), nonce, fields, request: vod.captured[before] });
        }
      }
    }
    // STS AssumeRole through the same signer.
    for (const method of ['GET', 'POST']) {
      for (const sts of [false, true]) {
        const fields = clean({
          RoleArn: `acs:ram::${int(10 ** 15, 10 ** 16 - 1)}:role/${pick(['vod-upload', 'AliyunVODUploadRole', 'uploader.role'])}`,
          RoleSessionName: `${word(2, 10).replace(/[^a-z0-9_-]/g, 'x')}@vodfunctions`.slice(0, 64),
          DurationSeconds: maybe(0.7, () => int(900, 43200)),
          Policy: maybe(0.4, () => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['vod:CreateUploadVideo'], Resource: ['*'] }] })),
        });
        const cred = credential(sts);
        const time = frozenTime();
        const nonce = hex(32);
        const client = new RPCClient({ endpoint: `http://127.0.0.1:${vod.port}`, apiVersion: '2015-04-01', ...cred });
        const before = vod.captured.length;
        await client.request('AssumeRole', { ...toWire(fields), Timestamp: iso(time), SignatureNonce: nonce }, { method, formatParams: false });
        cases.push({ kind: 'sts-v2', action: 'AssumeRole', method, credential: cred, time: iso(time), nonce, fields, request: vod.captured[before] });
      }
    }
  }
  return cases;
}

function v3Cases() {
  const cases = [];
  for (let round = 0; round < perKind; round++) {
    for (const action of Object.keys(VOD_OPS)) {
      for (const sts of [false, true]) {
        const fields = clean(VOD_OPS[action]());
        const cred = credential(sts);
        const time = frozenTime();
        const nonce = hex(32);
        const method = pick(['GET', 'POST']);
        const headers = {
          host: 'vod.cn-shanghai.aliyuncs.com',
          'x-acs-action': action,
          'x-acs-version': '2017-03-21',
          'x-acs-date': iso(time),
          'x-acs-signature-nonce': nonce,
          'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        };
        if (sts) {
          headers['x-acs-security-token'] = cred.securityToken;
          headers['x-acs-accesskey-id'] = cred.accessKeyId;
        }
        const query = toWire(fields);
        const authorization = OpenApiUtil.getAuthorization({ pathname: '/', method, query, headers }, 'ACS3-HMAC-SHA256',
          headers['x-acs-content-sha256'], cred.accessKeyId, cred.accessKeySecret);
        cases.push({ kind: 'vod-v3', action, method, credential: cred, time: iso(time), nonce, fields, request: { method, headers: { ...headers, authorization }, query } });
      }
    }
  }
  return cases;
}

function objectKey(withKnownExtension) {
  const segments = Array.from({ length: int(1, 3) }, () => text(1, 12).replace(/^\.+$/, 'dot').replace(/\/+/g, '-'));
  const stem = segments.join('/').replace(/^\/+/, '') || 'k';
  return withKnownExtension ? `${stem}.${pick(['mp4', 'mov', 'jpg', 'png', 'mp3', 'flv', 'mkv'])}` : `${stem}.${pick(['part', 'vodx', 'bin0'])}`;
}
function notification() {
  return Buffer.from(JSON.stringify({ Vod: { Title: word(1, 10), UserData: { Extend: { id: hex(8) } } } })).toString('base64');
}
function meta() {
  const m = {};
  for (let i = int(1, 3); i > 0; i--) m[pick(['author', 'source-etag', 'upload-id', 'Title'])] = text(1, 12, [...'abcdefghijklmnopqrstuvwxyz0123456789', ' ', '-', '_', '.', '=', '/', '+', ':']).trim() || 'v';
  return m;
}

async function ossCases(oss, v4) {
  const cases = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ali-oss-parts-'));
  const ops = ['PutObject', 'InitiateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts', 'HeadObject', 'GetObject', 'DeleteObject'];
  const rounds = v4 ? perKind : perKind * 4;
  for (let round = 0; round < rounds; round++) {
    for (const op of ops) {
      const sts = rnd() < 0.5;
      const cred = credential(sts);
      const bucket = `outin-${hex(32)}`;
      const writes = ['PutObject', 'InitiateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload'].includes(op);
      const key = objectKey(writes);
      const time = frozenTime();
      const client = new OSS({
        endpoint: `http://127.0.0.1:${oss.port}`, bucket, region: 'oss-cn-shanghai',
        accessKeyId: cred.accessKeyId, accessKeySecret: cred.accessKeySecret, stsToken: cred.securityToken,
        authorizationV4: v4, retryMax: 0,
      });
      const fields = { bucket, key };
      const headers = {};
      if (writes && rnd() < 0.5) { fields.notification = notification(); headers['x-oss-notification'] = fields.notification; }
      const before = oss.captured.length;
      freezeClock(time);
      try {
        switch (op) {
          case 'PutObject': {
            const body = crypto.createHash('sha256').update(`${seed}-${round}-${key}`).digest().subarray(0, int(0, 32));
            fields.body = body.toString('base64');
            if (rnd() < 0.6) fields.meta = meta();
            // put() always sends Content-MD5 for a buffer; putStream() never does: both shapes are covered.
            if (rnd() < 0.7) await client.put(key, body, { headers, meta: fields.meta });
            else await client.putStream(key, require('stream').Readable.from([body]), { headers, meta: fields.meta, contentLength: body.length });
            break;
          }
          case 'InitiateMultipartUpload':
            if (rnd() < 0.5) fields.meta = meta();
            await client.initMultipartUpload(key, { headers, meta: fields.meta });
            break;
          case 'UploadPart': {
            const body = crypto.randomBytes(int(1, 4096));
            const file = path.join(tmp, `part-${round}`);
            fs.writeFileSync(file, body);
            fields.body = body.toString('base64');
            fields.uploadId = hex(32).toUpperCase();
            fields.partNumber = int(1, 10000);
            fields.contentMd5 = rnd() < 0.5;
            if (fields.contentMd5) headers['Content-MD5'] = crypto.createHash('md5').update(body).digest('base64');
            await client.uploadPart(key, fields.uploadId, fields.partNumber, file, 0, body.length, { headers });
            break;
          }
          case 'CompleteMultipartUpload':
            fields.uploadId = hex(32).toUpperCase();
            fields.parts = Array.from({ length: int(1, 12) }, () => ({ number: int(1, 10000), etag: `"${hex(32).toUpperCase()}"` }));
            await client.completeMultipartUpload(key, fields.uploadId, fields.parts, { headers });
            break;
          case 'AbortMultipartUpload':
            fields.uploadId = hex(32).toUpperCase();
            await client.abortMultipartUpload(key, fields.uploadId);
            break;
          case 'ListParts': {
            fields.uploadId = hex(32).toUpperCase();
            const query = {};
            if (rnd() < 0.6) { fields.maxParts = int(1, 1000); query['max-parts'] = fields.maxParts; }
            if (rnd() < 0.4) { fields.partNumberMarker = int(1, 9999); query['part-number-marker'] = fields.partNumberMarker; }
            await client.listParts(key, fields.uploadId, query);
            break;
          }
          case 'HeadObject':
            await client.head(key);
            break;
          case 'GetObject': {
            const from = int(0, 1000);
            fields.range = pick([`bytes=${from}-${from + int(0, 5000)}`, `bytes=${from}-`, `bytes=-${int(1, 500)}`, undefined]);
            await client.get(key, fields.range ? { headers: { Range: fields.range } } : {});
            break;
          }
          case 'DeleteObject':
            await client.delete(key);
            break;
          default:
            throw new Error(op);
        }
      } finally {
        thawClock();
      }
      const captured = oss.captured[before];
      if (!captured) throw new Error(`ali-oss sent nothing for ${op}`);
      if (op === 'PutObject') fields.contentMd5 = Boolean(captured.headers['content-md5']);
      cases.push({ kind: v4 ? 'oss-v4' : 'oss-v1', action: op, credential: cred, time: new Date(time).toUTCString(), fields, request: captured });
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  return cases;
}

(async () => {
  const vod = await captureServer(vodRespond);
  const oss = await captureServer(ossRespond);
  try {
    const cases = [
      ...(await vodCases(vod)),
      ...v3Cases(),
      ...(await ossCases(oss, false)),
      ...(await ossCases(oss, true)),
    ];
    cases.forEach((c, i) => { c.id = `${c.kind}-${String(i).padStart(4, '0')}-${c.action}`; });
    const json = JSON.stringify({ seed, clients: { 'ali-oss': require('ali-oss/package.json').version, '@alicloud/pop-core': require('@alicloud/pop-core/package.json').version, '@alicloud/openapi-util': require('@alicloud/openapi-util/package.json').version }, cases }, null, 1);
    if (args.out) fs.writeFileSync(args.out, json); else process.stdout.write(json);
  } finally {
    vod.server.close();
    oss.server.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
