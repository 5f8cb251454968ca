/**
 * The MongoDB sink: {@code bulkWrite} with replace-upserts and deletes by {@code _id}, and patch events
 * applied as updates of one array element or sub-document, in order, without rewriting the document.
 */
package io.ferry.sinks.mongodb;
