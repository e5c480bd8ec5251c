/**
 * DuckDB's own scan + group-by of an --input file, as a whole process (what `carbon-track --input` is compared
 * with): read every row, group by provider × region × type, sum hours and cost. Prints the groups found.
 * Usage: node duckdb-scan.js <file>
 */
const { DuckDBInstance } = await import("@duckdb/node-api");
const file = process.argv[2]!;
const instance = await DuckDBInstance.create(":memory:");
const conn = await instance.connect();
const sql = `SELECT provider, region, instance_type, count(*) AS n, sum(quantity_hours) AS hours, sum(cost) AS cost
  FROM read_csv('${file.replaceAll("'", "''")}', header = true) GROUP BY ALL`;
const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS();
process.stdout.write(`${rows.length}\n`);
