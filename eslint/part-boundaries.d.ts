/** Types for part-boundaries.js (plain JavaScript so eslint.config.js can load it without a compiler). */
export declare const PARTS: string[];
export declare const NEVER_IMPORTS: Record<string, string[]>;
export declare const INNER_IMPORTS: Record<string, Record<string, string>>;
export interface PartBoundaryConfig {
  files: string[];
  rules: { 'no-restricted-imports': ['error', { patterns: Array<{ regex: string; message: string }> }] };
}
export declare function partBoundaryConfigs(): PartBoundaryConfig[];
