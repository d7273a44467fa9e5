import type { ReportResponse } from '../../../shared';
import { api, ApiFailure, query } from '../lib/api';

/**
 * The report the Reports page shows: one month for the caller's scope or one county in it. A newer
 * request supersedes an older one still building, so a quick change of month never shows the old.
 */
class Reports {
  report = $state.raw<ReportResponse | null>(null);
  /** What `report` was asked for (a county's drill-down or the caller's whole scope). */
  reportOf = $state<{ month: string; county: string | null } | null>(null);
  /** What is being built (or was last asked for), for the loading line. */
  asked = $state<{ month: string; county: string | null } | null>(null);
  loading = $state(false);
  /** When the current request began: the loading line shows how long building takes. */
  startedAtMs = $state(0);
  failure = $state<string | null>(null);
  /** The county was not found in the caller's scope (404). */
  notFound = $state(false);
  private requestId = 0;

  async load(month: string, county: string | null): Promise<void> {
    const id = ++this.requestId;
    this.asked = { month, county };
    this.loading = true;
    this.failure = null;
    this.notFound = false;
    this.startedAtMs = Date.now();
    try {
      const report = await api.get<ReportResponse>(
        `/api/reports/${encodeURIComponent(month)}${query({ county })}`,
      );
      if (id !== this.requestId) return;
      this.report = report;
      this.reportOf = { month, county };
    } catch (error) {
      if (id !== this.requestId) return;
      this.report = null;
      this.reportOf = null;
      this.notFound = error instanceof ApiFailure && error.status === 404;
      this.failure = error instanceof Error ? error.message : String(error);
    } finally {
      if (id === this.requestId) this.loading = false;
    }
  }

  /** Where a file of the report shown is downloaded from (the session cookie goes with it). */
  exportUrl(format: 'csv' | 'xlsx' | 'pdf' | 'html'): string | null {
    const asked = this.asked;
    if (asked === null) return null;
    return `/api/reports/${encodeURIComponent(asked.month)}/export${query({ format, county: asked.county })}`;
  }

  clear(): void {
    this.requestId += 1;
    this.report = null;
    this.reportOf = null;
    this.asked = null;
    this.loading = false;
    this.failure = null;
  }
}

export const reports = new Reports();
