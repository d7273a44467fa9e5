/** The pieces every report table is made of: bilingual labels, cells, rounding with units. */
export interface Label {
  zh: string;
  en: string;
}

export type Cell = string | number | null;

export type TableKey =
  | 'counties'
  | 'links'
  | 'groups'
  | 'nodes'
  | 'outages'
  | 'meetings'
  | 'meetingDrops'
  | 'security'
  | 'sources'
  | 'alertsByRule'
  | 'alertsUnacked'
  | 'certsIssued'
  | 'certsRevoked'
  | 'certsExpiring'
  | 'certsRenewed';

export interface ReportTable {
  key: TableKey;
  title: Label;
  columns: Label[];
  rows: Cell[][];
}

export const round = (value: number | null, digits: number): number | null =>
  value === null ? null : Number(value.toFixed(digits));
export const minutes = (seconds: number | null): number | null =>
  round(seconds === null ? null : seconds / 60, 1);
export const hours = (seconds: number | null): number | null =>
  round(seconds === null ? null : seconds / 3600, 1);

export const bilingual = (label: Label): string => `${label.zh} ${label.en}`;
