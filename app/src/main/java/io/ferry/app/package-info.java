/** The ferry command and service: wiring of the stages by role, HTTP status and metrics. */
package io.ferry.app;
