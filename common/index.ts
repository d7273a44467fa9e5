export {
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  ensurePrivateDir,
  openPrivateDatabase,
  touchPrivateFile,
  writePrivateFile,
} from './private-files';
export { formatConfigError, formatFieldPath, type ConfigError } from './config-errors';
export { YamlSource } from './yaml-source';
