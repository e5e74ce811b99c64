/**
 * Connection of the real PostgreSQL server used by integration tests.
 * `.ci/run` starts the server and exports TEST_DATABASE_URL; under CI a missing URL is a failure,
 * never a skip.
 */
export function postgresServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: start PostgreSQL (see .ci/run) and export TEST_DATABASE_URL=postgres://…',
    );
  }
  return url;
}
