/**
 * Imported first by the fuzz test: thousands of requests at the functions' INFO level would be tens of
 * thousands of log lines. Errors still print (a 5xx should say why); the metrics' EMF lines do not.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
