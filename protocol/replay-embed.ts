/**
 * How a self-contained HTML report carries its run (loadtester/report/html-report.ts writes it, the page's replay
 * source reads it): a `<script>` data block with this id, holding the report's JSON gzipped, then base64.
 */
export const REPORT_ELEMENT_ID = 'bluegreen-report';
export const REPORT_ENCODING = 'gzip+base64';
