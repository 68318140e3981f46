import { contentStoreSuite } from '../testsuite.js';
import { MemoryContentStore } from './memory-content-store.js';

contentStoreSuite('memory', async () => ({ store: new MemoryContentStore() }));
