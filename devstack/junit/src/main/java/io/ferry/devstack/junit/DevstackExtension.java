package io.ferry.devstack.junit;

import io.ferry.devstack.DevService;
import io.ferry.devstack.Devstack;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Keeps one {@link Devstack} in the root extension store, so servers are shared by every test class
 * of the JVM and closed (stopped) when the test plan finishes.
 */
public final class DevstackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DevstackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        devstack(context).ensure(requested(context));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Devstack.class
                || Arrays.stream(Service.values()).anyMatch(s -> s.type() == type);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Devstack devstack = devstack(context);
        if (type == Devstack.class) {
            return devstack;
        }
        List<Service> requested = requested(context);
        // MysqlService serves MariaDB and MySQL: take the one the class asked for, MySQL first.
        if (type == MysqlService.class) {
            return devstack.get(requested.contains(Service.MYSQL) ? Service.MYSQL : Service.MARIADB);
        }
        Service kind = Arrays.stream(Service.values()).filter(s -> s.type() == type).findFirst()
                .orElseThrow(() -> new ParameterResolutionException("devstack provides no " + type.getName()));
        DevService server = devstack.get(kind);
        return server;
    }

    private static List<Service> requested(ExtensionContext context) {
        return context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, WithServices.class))
                .map(a -> List.of(a.value()))
                .orElse(List.of());
    }

    private static Devstack devstack(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Devstack.class, k -> Devstack.fromSystemProperties(), Devstack.class);
    }
}
