package io.ferry.devstack.junit;

import io.ferry.devstack.Service;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Declares the servers a test class needs. They start (in parallel) before the class's first test,
 * once per JVM, and are shared with every later class; they stop when the JVM's tests are done.
 * Test constructors and methods (including {@code @BeforeAll}) may take the service interfaces
 * ({@code PostgresService}, {@code KafkaService}, ...) or {@code Devstack} as parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(DevstackExtension.class)
public @interface WithServices {

    Service[] value();
}
