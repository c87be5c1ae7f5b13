'use strict';
// ali-oss's multipartUpload of one file into VOD through the emulator, timed; for the benchmark.
//   node ali-oss-upload.js --endpoint URL --ak ID --secret SECRET --file PATH --partSize BYTES --parallel N
const RPCClient = require('@alicloud/pop-core').RPCClient;
const OSS = require('ali-oss');
console.warn = () => {};
const args = Object.fromEntries(process.argv.slice(2).reduce((p, a, i, all) => (a.startsWith('--') ? [...p, [a.slice(2), all[i + 1]]] : p), []));
(async () => {
  const vod = new RPCClient({ endpoint: args.endpoint, apiVersion: '2017-03-21', accessKeyId: args.ak, accessKeySecret: args.secret });
  const created = await vod.request('CreateUploadVideo', { Title: 'ali-oss benchmark', FileName: 'bench.mp4' });
  const address = JSON.parse(Buffer.from(created.UploadAddress, 'base64'));
  const auth = JSON.parse(Buffer.from(created.UploadAuth, 'base64'));
  const oss = new OSS({ endpoint: address.Endpoint, bucket: address.Bucket, region: `oss-${auth.Region}`, accessKeyId: auth.AccessKeyId, accessKeySecret: auth.AccessKeySecret, stsToken: auth.SecurityToken, timeout: 600000 });
  const started = process.hrtime.bigint();
  await oss.multipartUpload(address.FileName, args.file, { partSize: Number(args.partSize), parallel: Number(args.parallel) });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ videoId: created.VideoId, seconds }));
})().catch((e) => { console.error(e); process.exit(1); });
