import { renderHtml } from './render-html';
import type { MonthlyReport } from './types';

export interface PdfOptions {
  /** Chromium to print with (Debian's by default). */
  executablePath?: string;
}

/** The HTML report printed by headless Chromium: A4 landscape, page numbers, fonts embedded. */
export async function renderPdf(report: MonthlyReport, options: PdfOptions = {}): Promise<Buffer> {
  // Loaded only for a PDF: CSV and XLSX reports need no browser.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: options.executablePath ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage();
    // The page has no scripts and loads nothing: every byte of it is the report.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(renderHtml(report), { waitUntil: 'load' });
    return await page.pdf({
      format: 'A4',
      landscape: true,
      printBackground: true,
      margin: { top: '12mm', bottom: '14mm', left: '10mm', right: '10mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        '<div style="font-size:8px;width:100%;text-align:center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    });
  } finally {
    await browser.close();
  }
}
