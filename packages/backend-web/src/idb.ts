/** The few IndexedDB calls the cache needs, as promises. */

export interface CachedRecord {
  key: string;
  size: number;
  etag?: string;
  bytes: ArrayBuffer;
  storedAt: number;
}

const STORE = 'files';

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}

export class Idb {
  private db?: Promise<IDBDatabase>;

  constructor(
    readonly name: string,
    private readonly factory: IDBFactory,
  ) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((ok, fail) => {
      const r = this.factory.open(this.name, 1);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE, { keyPath: 'key' });
      };
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
      r.onblocked = () => fail(new Error(`IndexedDB ${this.name} is blocked by another tab`));
    });
    return this.db;
  }

  private async store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    return (await this.open()).transaction(STORE, mode).objectStore(STORE);
  }

  async get(key: string): Promise<CachedRecord | undefined> {
    return (await req((await this.store('readonly')).get(key))) as CachedRecord | undefined;
  }

  async put(record: CachedRecord): Promise<void> {
    const tx = (await this.open()).transaction(STORE, 'readwrite');
    const done = new Promise<void>((ok, fail) => {
      tx.oncomplete = () => ok();
      tx.onerror = () => fail(tx.error);
      tx.onabort = () => fail(tx.error ?? new Error('IndexedDB transaction aborted (storage quota?)'));
    });
    tx.objectStore(STORE).put(record);
    await done;
  }

  async delete(key: string): Promise<void> {
    await req((await this.store('readwrite')).delete(key));
  }

  async keys(): Promise<string[]> {
    return ((await req((await this.store('readonly')).getAllKeys())) as IDBValidKey[]).map(String);
  }

  async clear(): Promise<void> {
    await req((await this.store('readwrite')).clear());
  }

  async close(): Promise<void> {
    if (this.db) (await this.db).close();
    this.db = undefined;
  }
}
