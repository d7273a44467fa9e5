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
export {
  checkReadiness,
  sharedReadiness,
  READINESS_TIMEOUT_MS,
  type CheckState,
  type ReadinessCheck,
  type ReadinessReport,
} from './readiness';
export { isLoopbackAddress, metricsRefusal, type MetricsAccess, type MetricsRefusal } from './metrics-access';
export { registerProcessMetrics } from './process-metrics';
export { cacheStatements } from './statement-cache';
export {
  migrate,
  schemaVersion,
  SchemaVersionError,
  type Migration,
  type MigrationOutcome,
} from './migrations';
export {
  inlineChannel,
  startWorkerChannel,
  type RequestChannel,
  type Unnumbered,
  type WorkerStartup,
} from './worker-channel';
export { BACKGROUND_NICE, runAsBackgroundThread } from './background-thread';
