const aws = require('@pulumi/aws');

const bucket = new aws.s3.Bucket('site');
exports.bucketName = bucket.id;
