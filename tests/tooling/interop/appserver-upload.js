'use strict';
// ali-oss driven by AppServer answers, as the VOD upload SDK for JavaScript drives it in a browser:
// decode UploadAddress/UploadAuth, multipartUpload, and on expiry resume the same checkpoint with refreshed auth.
//   node appserver-upload.js start  --address B64 --auth B64 --file F --stopAfter N     → prints {checkpoint}
//   node appserver-upload.js resume --address B64 --auth B64 --oldAuth B64 --file F --checkpoint JSON
//                                                                                     → prints {expired, status}
const OSS = require('ali-oss');
console.warn = () => {};
const [mode, ...rest] = process.argv.slice(2);
const args = Object.fromEntries(rest.reduce((p, a, i, all) => (a.startsWith('--') ? [...p, [a.slice(2), all[i + 1]]] : p), []));
const decode = (b64) => JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
function client(addressB64, authB64) {
  const address = decode(addressB64);
  const auth = decode(authB64);
  return { address, oss: new OSS({ endpoint: address.Endpoint, bucket: address.Bucket, region: `oss-${auth.Region}`, accessKeyId: auth.AccessKeyId, accessKeySecret: auth.AccessKeySecret, stsToken: auth.SecurityToken }) };
}
(async () => {
  const { address, oss } = client(args.address, args.auth);
  if (mode === 'start') {
    let checkpoint = null;
    try {
      await oss.multipartUpload(address.FileName, args.file, {
        partSize: 102400, parallel: 1,
        progress: (p, cpt) => { checkpoint = cpt; if (cpt && cpt.doneParts.length >= Number(args.stopAfter)) oss.cancel(); },
      });
    } catch (e) {
      if (e.name !== 'cancel') throw e;
    }
    process.stdout.write(JSON.stringify({ checkpoint }));
    return;
  }
  const checkpoint = JSON.parse(args.checkpoint);
  let expired = null;
  try {
    await client(args.address, args.oldAuth).oss.multipartUpload(address.FileName, args.file, { partSize: 102400, parallel: 1, checkpoint: { ...checkpoint } });
  } catch (e) {
    expired = e.code || e.name;
  }
  const done = await oss.multipartUpload(address.FileName, args.file, { partSize: 102400, parallel: 1, checkpoint });
  process.stdout.write(JSON.stringify({ expired, status: done.res.status }));
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
