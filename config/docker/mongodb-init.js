// Runs once, on the docker-compose MongoDB's first start (docker-entrypoint-initdb.d, with mongosh as the root
// user): Ferry's sink user for mysql-to-mongodb. readWrite on `shop` covers what the sink does: create the
// collection and its indexes, bulk upserts, deletes and patches, and reading documents back for validation.
// The password comes from the container's environment, never from this file.
db.getSiblingDB('admin').createUser({
  user: 'ferry',
  pwd: process.env.FERRY_PASSWORD,
  roles: [{ role: 'readWrite', db: 'shop' }],
});
