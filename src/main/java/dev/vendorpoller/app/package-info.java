/**
 * Wiring only: the entry point ({@code java -jar}), the Camel Main it builds, {@link
 * dev.vendorpoller.app.PollerConfiguration} (every bean, in one place, collaborators passed by constructor) and the
 * listeners that create the templated routes and start the operator surfaces once routes/*.yaml are loaded.
 */
package dev.vendorpoller.app;
