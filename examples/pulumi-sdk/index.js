// Stand-in for the pulumi SDK: enough for a program to require('pulumi') and tell it is the linked one.
const { name, version } = require('./package.json');

module.exports = { name, version, linked: true };
