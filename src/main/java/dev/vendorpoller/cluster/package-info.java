/**
 * Several nodes on one database: each node's name ({@link dev.vendorpoller.cluster.ClusterSettings},
 * {@code vendor-poller.node-id}) and, on PostgreSQL, the schedule shared through Quartz's clustered JDBC JobStore
 * ({@link dev.vendorpoller.cluster.QuartzCluster}): every feed's trigger lives in the database, one node fires each
 * run, and a run that died with its node runs again on another. Embedded H2 is single-node. Imports config and store
 * only; the app layer applies it to camel-quartz before any route starts.
 */
package dev.vendorpoller.cluster;
