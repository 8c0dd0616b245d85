import { prepareTestTemplate } from './testing';

/** Build the migrated template once per run, before test files start copying it. */
export default async function setup() {
  await prepareTestTemplate();
}
