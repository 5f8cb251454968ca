package io.ferry.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.event.TableId;
import io.ferry.transform.topology.Cascade;
import io.ferry.transform.topology.TransformSpec;
import io.ferry.transform.topology.TransformTopology;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A group's state identity: stable for one layout; new when a cascading foreign key learned after the start joins
 * 1:1 mappings into one funneled group (config/mysql-to-postgres.yaml), whose stores must then be filled from the start.
 */
class GroupLayoutsTest {

    private static final TableId CUSTOMERS = TableId.parse("shop.customers");
    private static final TableId ORDERS = TableId.parse("shop.orders");

    private final PipelineConfig config = PipelineLoader.standard().parse("""
            pipeline:
              name: shop-copy
            source:
              type: mariadb
              host: localhost
              database: shop
              user: ferry
              tables: [shop.customers, shop.orders]
            sinks:
              - name: pg
                type: test
            mappings:
              - to: customers
                from: shop.customers
              - to: orders
                from: shop.orders
            """, "test.yaml");

    @Test
    void theSameLayoutKeepsItsStoresAndALearnedCascadeGivesNewOnes() {
        Map<String, Set<TableId>> without = TransformTopology.groupLayouts(TransformSpec.of(config, List.of()));
        assertThat(TransformTopology.groupLayouts(TransformSpec.of(config, List.of()))).as("deterministic across starts").isEqualTo(without);
        assertThat(List.copyOf(without.values())).containsExactly(Set.of(CUSTOMERS), Set.of(ORDERS));

        List<Cascade> cascade = List.of(new Cascade(ORDERS, List.of("customer_id"), CUSTOMERS, List.of("customer_id"), false));
        Map<String, Set<TableId>> with = TransformTopology.groupLayouts(TransformSpec.of(config, cascade));
        assertThat(List.copyOf(with.values())).containsExactly(Set.of(CUSTOMERS, ORDERS));
        assertThat(with.keySet()).doesNotContainAnyElementsOf(without.keySet())
                .allSatisfy(k -> assertThat(k).matches("customers-[0-9a-f]{8}"));
    }
}
