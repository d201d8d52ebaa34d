import * as cloud from '@pulumi/cloud';

// @pulumi/cloud-aws is not imported: @pulumi/cloud loads it at run time, chosen by the stack's cloud:provider.
const api = new cloud.HttpEndpoint('hello');
api.get('/', (_request, response) => response.json({ hello: 'world' }));
export const url = api.publish().url;
