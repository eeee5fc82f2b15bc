// tests/helpers/s3server.js MODULE DIR BUCKET... — an S3 server on
// 127.0.0.1 (a free port, printed as "port N") that checks AWS Signature
// V4, with the buckets made; keys S3RVER / S3RVER. MODULE: scripts/get-s3rver.
const S3rver = require(process.argv[2]);
const buckets = process.argv.slice(4).map(name => ({ name, configs: [] }));
const s = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[3],
  configureBuckets: buckets, vhostBuckets: false });
s.run().then(a => console.log('port ' + a.port), e => { console.error(e); process.exit(1); });
