export { Topology } from './topology';
export { loadInventory, loadInventoryText, type LoadResult } from './load';
export { formatInventoryError, type InventoryError } from './errors';
export { defaultInterfaces } from './default-interfaces';
export { loadCredentialsFile, parseCredentialsText, type CredentialsResult } from './credentials-file';
