/**
 * Wire format of the remote biometric protocol (ITU-T X.1279 §8.2) inside the secure channel: message types and
 * the plaintext layout of sealed messages. Shared by the server and every client so both read the same bytes.
 */
package org.countersign.core.remote;
