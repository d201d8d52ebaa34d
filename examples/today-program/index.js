const random = require('@pulumi/random');

const suffix = new random.RandomPet('suffix');
exports.suffix = suffix.id;
