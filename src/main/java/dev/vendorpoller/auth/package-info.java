/**
 * Credentials per vendor account, never logged: static bearer tokens, API keys in a header of the vendor's naming,
 * HTTP Basic, and OAuth2 refresh-token grants. Each names the header it travels in ({@link
 * dev.vendorpoller.auth.Credentials#header()}).
 */
package dev.vendorpoller.auth;
