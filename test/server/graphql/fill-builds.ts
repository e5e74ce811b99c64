/** `node --import tsx fill-builds.ts DIR BUILDS`: a migrated chDB directory with synthetic builds, then exit (frees the directory). */
import { openClickhouseClient, openClickhouseStore } from '../../../src/store/clickhouse/index.js';
import { generateBuilds } from '../../helpers/generate-builds.js';

const [dir, count] = process.argv.slice(2);
const store = await openClickhouseStore(dir!, { autoMigrate: true });
await store.close();
const handle = await openClickhouseClient(dir!);
await generateBuilds(handle, Number(count), new Date());
await handle.close();
