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
export {
  createLogger,
  memoryLogger,
  silentLogger,
  REDACTED_PATHS,
  type LoggedLine,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type MemoryLogger,
} from './logger';
export { parseYamlConfig, readYamlConfig, type YamlConfigResult } from './yaml-config';
