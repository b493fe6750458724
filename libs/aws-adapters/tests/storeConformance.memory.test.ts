import { describeStoreConformance, openMemoryBackend } from './storeConformance.js';

// The reference every other backend is held to, and the store the services' model tests run on.
describeStoreConformance('the memory store', () => openMemoryBackend());
