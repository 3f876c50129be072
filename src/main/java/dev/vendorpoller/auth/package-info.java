/** Credentials per vendor account: static bearer tokens and OAuth2 refresh-token grants, never logged. */
package dev.vendorpoller.auth;
