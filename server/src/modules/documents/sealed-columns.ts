import type { SealedColumn } from '../../platform/crypto/sealed-columns.js';
import { dataKeyContext } from '../../platform/storage/local-encrypted-storage.js';

/**
 * The documents module's sealed values, for key rotation: each locally stored file's data
 * key (re-sealing it leaves the file itself unchanged).
 */
export const documentSealedColumns: SealedColumn[] = [
  {
    table: 'documents',
    id: 'id',
    column: 'wrapped_key',
    context: { column: 'storage_key', of: dataKeyContext },
  },
];
