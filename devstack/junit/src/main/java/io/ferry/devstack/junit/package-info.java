/** JUnit 5 support for devstack: {@link io.ferry.devstack.junit.WithServices} on a test class. */
package io.ferry.devstack.junit;
