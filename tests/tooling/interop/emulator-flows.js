'use strict';
// Alibaba's official clients against the VOD emulator: the flows a real VOD account sees.
//
//   node emulator-flows.js --endpoint http://127.0.0.1:PORT --ak ID --secret SECRET --dir /tmp/x
//
// Prints one JSON document: what each step observed. The C# test asserts on it and on the emulator's state.

const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const OSS = require('ali-oss');

console.warn = () => {}; // ali-oss advises refreshSTSToken for every STS client
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => {
  if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1]]);
  return pairs;
}, []));
const endpoint = args.endpoint.replace(/\/$/, '');
const dir = args.dir;
const CALLBACK_KEY = 'flows-callback-key';

const vod = (method, secret = args.secret) => new RPCClient({ endpoint, apiVersion: '2017-03-21', accessKeyId: args.ak, accessKeySecret: secret, opts: { method } });
const call = (client, action, params, method) => client.request(action, params, { method: method || 'GET' });
const decode = (b64) => JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
function ossFor(address, auth, extra = {}) {
  return new OSS({
    endpoint: address.Endpoint, bucket: address.Bucket, region: `oss-${auth.Region}`,
    accessKeyId: auth.AccessKeyId, accessKeySecret: auth.AccessKeySecret, stsToken: auth.SecurityToken, ...extra,
  });
}
function seededFile(name, size, seed) {
  const file = path.join(dir, name);
  const out = Buffer.alloc(size);
  let block = crypto.createHash('sha256').update(String(seed)).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset, 0, Math.min(block.length, size - offset));
    block = crypto.createHash('sha256').update(block).digest();
  }
  fs.writeFileSync(file, out);
  return { file, bytes: out };
}
async function errorOf(promise) {
  try { await promise; return null; } catch (e) { return { code: e.code, status: e.status, name: e.name }; }
}
async function admin(pathName, body) {
  const res = await fetch(`${endpoint}/_emulator/${pathName}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
  if (!res.ok) throw new Error(`admin ${pathName}: ${res.status}`);
}

// A callback receiver that checks VOD's signature itself: md5(url|timestamp|key).
function receiver() {
  const events = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = `http://127.0.0.1:${server.address().port}${req.url}`;
      const ts = req.headers['x-vod-timestamp'];
      const expected = crypto.createHash('md5').update(`${url}|${ts}|${CALLBACK_KEY}`).digest('hex');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      events.push({ type: body.EventType, body, signatureValid: req.headers['x-vod-signature'] === expected, timestamp: ts });
      res.writeHead(200); res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, events, url: `http://127.0.0.1:${server.address().port}/vod/callback` })));
}
async function waitFor(predicate, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) { if (predicate()) return true; await new Promise((r) => setTimeout(r, 50)); }
  return false;
}

(async () => {
  const out = {};
  const rx = await receiver();
  await admin('config/callback', { url: rx.url, authKey: CALLBACK_KEY });

  // 1. CreateUploadVideo by GET and by POST; decode both blobs.
  const created = await call(vod('GET'), 'CreateUploadVideo', { Title: '发布会 launch (final)', FileName: 'launch.mp4', FileSize: 6 * 1024 * 1024 + 7, Tags: 'a,b' });
  const createdPost = await call(vod('POST'), 'CreateUploadVideo', { Title: 'posted', FileName: 'posted.mov', UserData: JSON.stringify({ Extend: { uploadId: 'u-42' } }) }, 'POST');
  const address = decode(created.UploadAddress);
  const auth = decode(created.UploadAuth);
  out.create = { videoId: created.VideoId, postVideoId: createdPost.VideoId, address, authKeys: Object.keys(auth).sort(), region: auth.Region, expiration: auth.Expiration };

  // 2. ali-oss multipartUpload of a multi-MiB file with those STS credentials; read it back.
  const big = seededFile('big.bin', 6 * 1024 * 1024 + 7, 1);
  const oss = ossFor(address, auth);
  const multipart = await oss.multipartUpload(address.FileName, big.file, { partSize: 1024 * 1024, parallel: 4 });
  const head = await oss.head(address.FileName);
  const whole = await oss.get(address.FileName);
  const ranged = await oss.get(address.FileName, { headers: { Range: 'bytes=1048570-1048589' } });
  out.multipart = {
    status: multipart.res.status,
    etag: multipart.etag,
    size: Number(head.res.headers['content-length']),
    objectType: head.res.headers['x-oss-object-type'],
    crc64: head.res.headers['x-oss-hash-crc64ecma'],
    sameBytes: Buffer.compare(whole.content, big.bytes) === 0,
    rangeStatus: ranged.res.status,
    rangeSameBytes: Buffer.compare(ranged.content, big.bytes.subarray(1048570, 1048590)) === 0,
    file: big.file,
  };

  // 3. put, listParts, abortMultipartUpload on a second video's object.
  const second = await call(vod('GET'), 'CreateUploadVideo', { Title: 'second', FileName: 'second.mp4' });
  const secondAddress = decode(second.UploadAddress);
  const oss2 = ossFor(secondAddress, decode(second.UploadAuth));
  const small = seededFile('small.bin', 1000, 2);
  const put = await oss2.put(secondAddress.FileName, small.bytes);
  const init = await oss2.initMultipartUpload(secondAddress.FileName);
  const partFile = seededFile('part.bin', 200 * 1024, 3);
  await oss2.uploadPart(secondAddress.FileName, init.uploadId, 1, partFile.file, 0, 100 * 1024);
  await oss2.uploadPart(secondAddress.FileName, init.uploadId, 2, partFile.file, 100 * 1024, 200 * 1024);
  const listed = await oss2.listParts(secondAddress.FileName, init.uploadId, { 'max-parts': 1 });
  const listedAll = await oss2.listParts(secondAddress.FileName, init.uploadId);
  await oss2.abortMultipartUpload(secondAddress.FileName, init.uploadId);
  const afterAbort = await errorOf(oss2.listParts(secondAddress.FileName, init.uploadId));
  out.objectOps = {
    putStatus: put.res.status,
    putEtag: put.res.headers.etag,
    firstPage: [].concat(listed.parts).map((p) => Number(p.PartNumber)), // one part comes back as a bare object
    truncated: String(listed.isTruncated) === 'true',
    allParts: [].concat(listedAll.parts).map((p) => ({ n: Number(p.PartNumber), size: Number(p.Size) })),
    afterAbort,
    otherObject: await errorOf(oss2.put('sv/not-mine/x.mp4', small.bytes)),
  };

  // 4. Interrupt a multipartUpload, then resume it from its checkpoint.
  const third = await call(vod('GET'), 'CreateUploadVideo', { Title: 'resumed', FileName: 'resumed.mp4' });
  const thirdAddress = decode(third.UploadAddress);
  const oss3 = ossFor(thirdAddress, decode(third.UploadAuth));
  const resumable = seededFile('resumable.bin', 4 * 1024 * 1024 + 11, 4);
  let checkpoint = null;
  const interrupted = await errorOf(oss3.multipartUpload(thirdAddress.FileName, resumable.file, {
    partSize: 512 * 1024, parallel: 1,
    progress: (p, cpt) => { checkpoint = cpt; if (cpt && cpt.doneParts.length >= 3) oss3.cancel(); },
  }));
  const doneBefore = checkpoint ? checkpoint.doneParts.length : 0;
  const resumed = await ossFor(thirdAddress, decode(third.UploadAuth)).multipartUpload(thirdAddress.FileName, resumable.file, { partSize: 512 * 1024, parallel: 1, checkpoint });
  const resumedBack = await oss3.get(thirdAddress.FileName);
  out.resume = {
    interrupted: interrupted && interrupted.name,
    doneBefore,
    uploadId: checkpoint && checkpoint.uploadId,
    status: resumed.res.status,
    sameBytes: Buffer.compare(resumedBack.content, resumable.bytes) === 0,
    size: resumable.bytes.length,
    objectId: `${thirdAddress.Bucket}/${thirdAddress.FileName}`,
  };

  // 5. Wrong secret: SignatureDoesNotMatch from both services.
  out.wrongSecret = {
    vod: await errorOf(call(vod('GET', 'not-the-secret'), 'GetVideoInfo', { VideoId: created.VideoId })),
    oss: await errorOf(ossFor(address, { ...auth, AccessKeySecret: 'not-the-secret' }).head(address.FileName)),
  };

  // 6. Every credential expires: ali-oss sees SecurityTokenExpired. RefreshUploadVideo gives new credentials for the
  //    same address, and they work.
  await admin('credentials/expire-all');
  const expired = await errorOf(oss.put(address.FileName, small.bytes));
  const refreshed = await call(vod('GET'), 'RefreshUploadVideo', { VideoId: created.VideoId });
  const refreshedAddress = decode(refreshed.UploadAddress);
  const refreshedAuth = decode(refreshed.UploadAuth);
  const afterRefresh = await ossFor(refreshedAddress, refreshedAuth).head(refreshedAddress.FileName);
  out.refresh = {
    expired,
    sameAddress: JSON.stringify(refreshedAddress) === JSON.stringify(address),
    newKey: refreshedAuth.AccessKeyId !== auth.AccessKeyId,
    headStatus: afterRefresh.res.status,
    missing: await errorOf(call(vod('GET'), 'RefreshUploadVideo', { VideoId: 'ffffffffffffffffffffffffffffffff' })),
  };

  // 7. CreateUploadImage and a put of the image.
  const image = await call(vod('GET'), 'CreateUploadImage', { ImageType: 'cover', ImageExt: 'jpg', Title: 'poster' });
  const imageAddress = decode(image.UploadAddress);
  const jpg = seededFile('poster.jpg', 5000, 5);
  const imagePut = await ossFor(imageAddress, decode(image.UploadAuth)).put(imageAddress.FileName, jpg.bytes);
  out.image = { imageId: image.ImageId, imageUrl: image.ImageURL, fileUrl: image.FileURL, key: imageAddress.FileName, putStatus: imagePut.res.status };

  // 8. The receiver gets FileUploadComplete and ImageUploadComplete, signed.
  await waitFor(() => rx.events.some((e) => e.type === 'FileUploadComplete' && e.body.VideoId === created.VideoId)
    && rx.events.some((e) => e.type === 'ImageUploadComplete' && e.body.ImageId === image.ImageId));
  out.callbacks = rx.events.map((e) => ({ type: e.type, signatureValid: e.signatureValid, id: e.body.VideoId || e.body.ImageId, fileUrl: e.body.FileUrl, fileURL: e.body.FileURL, eventTime: e.body.EventTime, size: e.body.Size }));
  rx.server.close();
  process.stdout.write(JSON.stringify(out, null, 1));
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
