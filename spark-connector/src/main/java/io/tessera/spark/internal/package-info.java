/**
 * Internal machinery of the Spark connector (not API; may change without notice): executor-side
 * functions, block payloads, broadcast values, reduction partials, task scopes, plans.
 */
package io.tessera.spark.internal;
