/**
 * What an operator sees and does: the feed MBeans (pause, resume, poll now, reset cursor, replay), Prometheus
 * metrics per feed and account, readiness checks, and the status page. {@link dev.vendorpoller.ops.Operations} is
 * built with its collaborators and started once the context runs.
 */
package dev.vendorpoller.ops;
