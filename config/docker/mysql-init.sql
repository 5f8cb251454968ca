-- Seeds the docker-compose MySQL on its first start (docker-entrypoint-initdb.d runs it as root, in database
-- `shop`, after the entrypoint created MYSQL_DATABASE=shop and MYSQL_USER=ferry with all rights on it).
--
--   * what Ferry's capture needs beyond that;
--   * golden scenario 2 (customers and their addresses, preferences, orders, items, payment methods), with a
--     few rows: the source of mysql-to-mongodb and mysql-to-postgres;
--   * an empty target database `app` for postgres-to-mysql.
--
-- The server runs with the binary log in ROW format, full row images and GTIDs (docker-compose.yml).

-- Reading the binlog and the snapshot (Debezium's MySQL connector: SELECT, RELOAD, SHOW DATABASES,
-- REPLICATION SLAVE, REPLICATION CLIENT), and Ferry's own `ferry` database (heartbeat and signal tables).
GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'ferry'@'%';
CREATE DATABASE IF NOT EXISTS ferry;
GRANT ALL PRIVILEGES ON ferry.* TO 'ferry'@'%';

-- The target of postgres-to-mysql; Ferry's sink creates the tables.
CREATE DATABASE IF NOT EXISTS app CHARACTER SET utf8mb4;
GRANT ALL PRIVILEGES ON app.* TO 'ferry'@'%';

USE shop;

-- Golden scenario 2.
CREATE TABLE customers (
  customer_id BIGINT PRIMARY KEY,
  first_name  VARCHAR(100) NOT NULL,
  last_name   VARCHAR(100) NOT NULL,
  email       VARCHAR(255) UNIQUE NOT NULL,
  phone       VARCHAR(20),
  created_at  TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at  TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB;

CREATE TABLE customer_addresses (
  address_id   BIGINT AUTO_INCREMENT PRIMARY KEY,
  customer_id  BIGINT NOT NULL,
  address_type ENUM('billing','shipping','both') DEFAULT 'both',
  street       VARCHAR(255) NOT NULL,
  city         VARCHAR(100) NOT NULL,
  state        VARCHAR(50) NOT NULL,
  zip_code     VARCHAR(10) NOT NULL,
  country      VARCHAR(50) DEFAULT 'US',
  is_active    BOOLEAN DEFAULT TRUE,
  FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE customer_preferences (
  customer_id       BIGINT PRIMARY KEY,
  marketing_emails  BOOLEAN DEFAULT FALSE,
  sms_notifications BOOLEAN DEFAULT FALSE,
  theme             ENUM('light','dark','auto') DEFAULT 'light',
  preferences_json  JSON,
  FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE orders (
  order_id        BIGINT PRIMARY KEY,
  customer_id     BIGINT NOT NULL,
  order_date      TIMESTAMP NOT NULL,
  total_amount    DECIMAL(12,2) NOT NULL,
  status          ENUM('pending','processing','shipped','completed','cancelled') NOT NULL,
  shipping_method VARCHAR(50),
  shipping_cost   DECIMAL(8,2),
  tracking_number VARCHAR(100),
  FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE order_items (
  item_id      BIGINT AUTO_INCREMENT PRIMARY KEY,
  order_id     BIGINT NOT NULL,
  product_id   VARCHAR(50) NOT NULL,
  product_name VARCHAR(255) NOT NULL,
  quantity     INT NOT NULL,
  unit_price   DECIMAL(10,2) NOT NULL,
  category     VARCHAR(100),
  FOREIGN KEY (order_id) REFERENCES orders(order_id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE payment_methods (
  method_id   VARCHAR(50) PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  type        ENUM('credit_card','debit_card','paypal','bank_account') NOT NULL,
  last_four   CHAR(4),
  expires     VARCHAR(5),
  is_default  BOOLEAN DEFAULT FALSE,
  FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE
) ENGINE=InnoDB;

INSERT INTO customers (customer_id, first_name, last_name, email, phone, created_at, updated_at) VALUES
  (12345, 'Alice', 'Johnson', 'alice@example.com', '+1-555-0123', '2024-01-15 10:00:00', '2024-03-15 10:30:00'),
  (12346, 'Bob',   'Smith',   'bob@example.com',   NULL,          '2024-02-01 09:00:00', '2024-02-01 09:00:00');

INSERT INTO customer_addresses (address_id, customer_id, address_type, street, city, state, zip_code, country, is_active) VALUES
  (1, 12345, 'both',     '123 Main St', 'San Francisco', 'CA', '94105', 'US', TRUE),
  (2, 12346, 'shipping', '9 Elm Ave',   'Portland',      'OR', '97201', 'US', TRUE);

INSERT INTO customer_preferences (customer_id, marketing_emails, sms_notifications, theme, preferences_json) VALUES
  (12345, TRUE, FALSE, 'dark', '{"language": "en", "currency": "USD"}');

INSERT INTO orders (order_id, customer_id, order_date, total_amount, status, shipping_method, shipping_cost, tracking_number) VALUES
  (1001, 12345, '2024-03-15 10:30:00', 299.99, 'completed', 'express',  15.99, 'TRACK123456'),
  (1002, 12346, '2024-03-16 14:00:00',  49.50, 'pending',   'standard',  4.99, NULL);

INSERT INTO order_items (item_id, order_id, product_id, product_name, quantity, unit_price, category) VALUES
  (1, 1001, 'PROD123', 'Wireless Headphones', 1, 199.99, 'Electronics'),
  (2, 1001, 'PROD456', 'Charging Case',       1,  84.01, 'Electronics'),
  (3, 1002, 'PROD789', 'Notebook',            5,   9.90, 'Stationery');

INSERT INTO payment_methods (method_id, customer_id, type, last_four, expires, is_default) VALUES
  ('pm_001', 12345, 'credit_card', '4242', '12/25', TRUE),
  ('pm_002', 12346, 'paypal',      NULL,   NULL,    TRUE);
