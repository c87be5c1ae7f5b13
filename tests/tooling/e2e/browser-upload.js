'use strict';
// The browser's part of an upload through the app's AppServer endpoints, as a page using Alibaba's VOD upload SDK
// does it: ask the app for an upload address and credential (function key, from another origin, as a user App Service
// Authentication signed in), then put the file straight into OSS with ali-oss.
//
//   node browser-upload.js --app http://127.0.0.1:PORT --key FUNCTION_KEY --origin http://127.0.0.1:8080 \
//                          --principal USER_ID --video FILE --image FILE
//
// Prints one JSON document: what each step answered. The C# test asserts on it, on the app and on the emulator.

const fs = require('fs');
const path = require('path');
const OSS = require('ali-oss');

console.warn = () => {}; // ali-oss advises refreshSTSToken for every STS client
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => {
  if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1]]);
  return pairs;
}, []));
const app = args.app.replace(/\/$/, '');
const decode = (b64) => JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));

async function call(route, body) {
  const res = await fetch(`${app}/api/${route}`, {
    method: 'POST',
    // The principal headers are what App Service Authentication adds for a signed-in browser session.
    headers: {
      'content-type': 'application/json', 'x-functions-key': args.key, origin: args.origin,
      'x-ms-client-principal-id': args.principal, 'x-ms-client-principal-idp': 'aad',
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${route}: ${res.status} ${text}`);
  return { body: JSON.parse(text), allowOrigin: res.headers.get('access-control-allow-origin') };
}

function ossFor(address, auth) {
  return new OSS({
    endpoint: address.Endpoint, bucket: address.Bucket, region: `oss-${auth.Region}`,
    accessKeyId: auth.AccessKeyId, accessKeySecret: auth.AccessKeySecret, stsToken: auth.SecurityToken,
  });
}

(async () => {
  const video = await call('vod/upload-video-auth', { title: path.basename(args.video, '.mp4'), fileName: path.basename(args.video), fileSize: fs.statSync(args.video).size });
  const address = decode(video.body.UploadAddress);
  const auth = decode(video.body.UploadAuth);
  const refreshed = await call('vod/refresh-upload-video-auth', { videoId: video.body.VideoId });
  const fresh = decode(refreshed.body.UploadAuth);
  await ossFor(address, fresh).multipartUpload(address.FileName, args.video, { partSize: 102400, parallel: 2 });

  const image = await call('vod/upload-image-auth', { imageType: 'default', imageExt: 'png', title: path.basename(args.image, '.png') });
  const imageAddress = decode(image.body.UploadAddress);
  await ossFor(imageAddress, decode(image.body.UploadAuth)).put(imageAddress.FileName, args.image);

  const sts = await call('vod/sts-token', {});
  process.stdout.write(JSON.stringify({
    videoId: video.body.VideoId,
    videoAllowOrigin: video.allowOrigin,
    refreshedVideoId: refreshed.body.VideoId,
    refreshedSecretDiffers: fresh.AccessKeySecret !== auth.AccessKeySecret,
    imageId: image.body.ImageId,
    imageUrl: image.body.ImageURL,
    sts: { hasKey: !!sts.body.SecurityTokenInfo.AccessKeyId, hasToken: !!sts.body.SecurityTokenInfo.SecretToken, expiration: sts.body.SecurityTokenInfo.Expiration },
  }));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
