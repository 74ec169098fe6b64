import {
  countOf,
  type DataStoreInfo,
} from '@kamaji-backstage/plugin-kamaji-common';

/** `unused`, `1 tenant`, `3 tenants`: how many of the tenants the reader sees a data store serves. */
export function tenantsServed(dataStore: DataStoreInfo): string {
  const count = dataStore.usedBy.length;
  if (count === 0) return 'unused';
  return countOf(count, 'tenant');
}
