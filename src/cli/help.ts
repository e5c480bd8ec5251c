// Kept free of imports: `carbon-track --help` prints this without loading commander or any SDK.
export const helpText = `Usage: carbon-track [options] [days]

How much CO2 did our cloud GPUs emit, where, on which instance types,
and what would it have been elsewhere?

Arguments:
  days                     whole UTC days ending yesterday, 1-365 (default: 30)

Window and sources:
  --since <YYYY-MM-DD>     first day (UTC, inclusive)
  --until <YYYY-MM-DD>     last day (UTC, inclusive; default: yesterday)
  --providers <list>       aws,azure,gcp (default: every configured provider)
  --granularity <g>        daily | hourly (default: daily)
  --demo                   embedded sample data: no network, no credentials
  --input <file>           usage rows from a CSV in carbon-track's schema (docs/csv-schema.md)
  --gcp-table <name>       GCP billing export table, project.dataset.table
  --config <file>          JSON config: subscriptions, tables, catalog and region overrides

Model:
  --gpu-util <u>           accelerator power fraction 0..1, or idle | inference | training | max
                           (default: 0.5)
  --signal <s>             marginal | average (default: marginal)
  --intensity <p>          watttime | static (default: watttime when WATTTIME_USERNAME
                           and WATTTIME_PASSWORD are set, else static)
  --no-cache               ask WattTime again instead of using the on-disk cache

Output:
  --format <f>             table | csv | json | markdown (default: table)
  --out <dir>              directory for the CSV files that table and markdown runs write:
                           carbon_detail, carbon_summary, carbon_suggestions and
                           carbon_detail_latest.csv (default: output)
  --stamp <s>              file-name stamp: datetime | date | none (default: datetime)
  --budget <kg[/day]>      carbon budget for the window (or per day); exit 4 when exceeded
  -q, --quiet              only warnings and errors on stderr
  -v, --verbose            details of every request and fallback on stderr
  -V, --version            print the version
  -h, --help               print this help

With GITHUB_STEP_SUMMARY set, the Markdown report is appended to that file.

Exit codes: 0 ok, 1 nothing usable produced, 2 usage or configuration error,
3 partial (a provider or signal failed), 4 carbon budget exceeded.

Examples:
  carbon-track 30 --demo
  carbon-track --since 2026-10-01 --until 2026-10-31 --providers aws,gcp --format csv > oct.csv
  carbon-track 7 --budget 500 --format markdown
`;
