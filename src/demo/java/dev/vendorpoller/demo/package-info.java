/**
 * The demo vendor: one loopback HTTP server that plays every vendor the service knows, each with its traps, for the
 * README's first command, the tests and the benchmarks. Never part of the production service.
 */
package dev.vendorpoller.demo;
