-- Acme Outfitters: the demo shop's own business database (SQLite).
--
-- Tandem creates this database when the pack is imported and the connectors in connectors/ query
-- it. It stands in for the order-management and billing systems a real shop already has.
-- Money is stored in cents, dates are ISO 8601 (YYYY-MM-DD), e-mail addresses are lower case.
--
-- Customers and what they have, for trying the demo:
--   maria.rossi@example.com     A1001 shipped (UPS, tracked), A0996 delivered, $25.00 store credit
--   james.carter@example.com    A1002 processing (express)
--   priya.patel@example.com     A1003 delivered (express), A1015 shipped, $40.00 store credit
--   tom.becker@example.com      A1004 cancelled
--   sofia.garcia@example.com    A1005 shipped (USPS), A1010 processing
--   liam.oconnor@example.com    A1006 shipped to Ireland (DHL Express)
--   emma.schmidt@example.com    A1007 delivered to Germany (DHL Express), $20.00 store credit
--   noah.kim@example.com        A1008 delivered, store credit used up ($0.00)
--   chloe.martin@example.com    A1009 processing, to Canada
--   daniel.okafor@example.com   guest checkout, A1011 shipped (UPS)
--   hannah.lee@example.com      guest checkout, A1012 shipped, tracking number not yet available
--   oliver.brown@example.com    A1013 delivered, A1014 cancelled
--   ahmed.hassan@example.com    registered account, no orders yet, $50.00 store credit (gift)

CREATE TABLE IF NOT EXISTS customers (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    phone         TEXT,
    -- 'registered' customers have a password, 'guest' customers checked out without an account.
    account_type  TEXT NOT NULL DEFAULT 'registered' CHECK (account_type IN ('registered', 'guest')),
    created_at    TEXT NOT NULL,
    last_login_at TEXT
);

CREATE TABLE IF NOT EXISTS orders (
    id                 TEXT PRIMARY KEY,          -- 'A' and four digits, e.g. A1001
    customer_id        INTEGER NOT NULL REFERENCES customers(id),
    status             TEXT NOT NULL CHECK (status IN ('processing', 'shipped', 'delivered', 'cancelled')),
    placed_at          TEXT NOT NULL,
    shipped_at         TEXT,
    delivered_at       TEXT,
    cancelled_at       TEXT,
    estimated_delivery TEXT,
    shipping_method    TEXT NOT NULL CHECK (shipping_method IN ('standard', 'express', 'international')),
    carrier            TEXT,
    tracking_number    TEXT,
    subtotal_cents     INTEGER NOT NULL,
    shipping_cents     INTEGER NOT NULL,
    total_cents        INTEGER NOT NULL,
    currency           TEXT NOT NULL DEFAULT 'USD',
    ship_name          TEXT NOT NULL,
    ship_line1         TEXT NOT NULL,
    ship_line2         TEXT,
    ship_city          TEXT NOT NULL,
    ship_region        TEXT,
    ship_postcode      TEXT NOT NULL,
    ship_country       TEXT NOT NULL              -- ISO 3166 alpha-2
);

CREATE TABLE IF NOT EXISTS order_items (
    order_id         TEXT NOT NULL REFERENCES orders(id),
    line_no          INTEGER NOT NULL,
    sku              TEXT NOT NULL,
    product_name     TEXT NOT NULL,
    size             TEXT,
    colour           TEXT,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- An invoice is issued (and the payment taken) when an order ships.
CREATE TABLE IF NOT EXISTS invoices (
    number       TEXT PRIMARY KEY,                -- INV-YYYY-NNNN
    order_id     TEXT NOT NULL UNIQUE REFERENCES orders(id),
    amount_cents INTEGER NOT NULL,
    currency     TEXT NOT NULL DEFAULT 'USD',
    issued_at    TEXT NOT NULL,
    -- a personal, unguessable link to the PDF (sent in the shipping e-mail as well)
    download_url TEXT NOT NULL
);

-- Store credit is a ledger: the balance is the sum of the entries. Credit never expires.
CREATE TABLE IF NOT EXISTS store_credit_ledger (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    amount_cents INTEGER NOT NULL,                -- positive: credit added, negative: credit spent
    reason       TEXT NOT NULL,
    order_id     TEXT,
    created_at   TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id);
CREATE INDEX IF NOT EXISTS ledger_customer ON store_credit_ledger (customer_id);

INSERT OR REPLACE INTO customers (id, name, email, phone, account_type, created_at, last_login_at) VALUES
    (1,  'Maria Rossi',    'maria.rossi@example.com',   '+1 617 555 0148', 'registered', '2024-03-09', '2026-11-16'),
    (2,  'James Carter',   'james.carter@example.com',  '+1 512 555 0192', 'registered', '2025-01-22', '2026-11-21'),
    (3,  'Priya Patel',    'priya.patel@example.com',   '+1 206 555 0117', 'registered', '2023-08-30', '2026-11-19'),
    (4,  'Tom Becker',     'tom.becker@example.com',    '+1 312 555 0133', 'registered', '2025-06-04', '2026-11-17'),
    (5,  'Sofia Garcia',   'sofia.garcia@example.com',  '+1 305 555 0176', 'registered', '2024-11-29', '2026-11-22'),
    (6,  'Liam O''Connor', 'liam.oconnor@example.com',  '+353 1 555 0142', 'registered', '2025-09-12', '2026-11-16'),
    (7,  'Emma Schmidt',   'emma.schmidt@example.com',  '+49 89 555 0161', 'registered', '2024-05-18', '2026-11-10'),
    (8,  'Noah Kim',       'noah.kim@example.com',      '+1 503 555 0129', 'registered', '2022-10-02', '2026-11-14'),
    (9,  'Chloe Martin',   'chloe.martin@example.com',  '+1 416 555 0185', 'registered', '2026-02-14', '2026-11-21'),
    (10, 'Daniel Okafor',  'daniel.okafor@example.com', '+1 404 555 0158', 'guest',      '2026-11-18', NULL),
    (11, 'Hannah Lee',     'hannah.lee@example.com',    '+1 303 555 0104', 'guest',      '2026-11-19', NULL),
    (12, 'Oliver Brown',   'oliver.brown@example.com',  '+1 212 555 0167', 'registered', '2023-12-01', '2026-11-20'),
    (13, 'Ahmed Hassan',   'ahmed.hassan@example.com',  '+1 713 555 0139', 'registered', '2026-11-02', '2026-11-02');

INSERT OR REPLACE INTO orders (id, customer_id, status, placed_at, shipped_at, delivered_at, cancelled_at, estimated_delivery,
                    shipping_method, carrier, tracking_number, subtotal_cents, shipping_cents, total_cents, currency,
                    ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postcode, ship_country) VALUES
    ('A0996', 1,  'delivered', '2026-10-01', '2026-10-02', '2026-10-07', NULL, '2026-10-07',
     'standard', 'UPS', '1Z8V42E10390996104', 6500, 595, 7095, 'USD',
     'Maria Rossi', '48 Beacon Street', 'Apt 3', 'Boston', 'MA', '02108', 'US'),
    ('A1001', 1,  'shipped',   '2026-11-18', '2026-11-19', NULL, NULL, '2026-11-24',
     'standard', 'UPS', '1Z8V42E10391846220', 11300, 0, 11300, 'USD',
     'Maria Rossi', '48 Beacon Street', 'Apt 3', 'Boston', 'MA', '02108', 'US'),
    ('A1002', 2,  'processing', '2026-11-21', NULL, NULL, NULL, '2026-11-25',
     'express', NULL, NULL, 14900, 1495, 16395, 'USD',
     'James Carter', '2210 South Lamar Boulevard', NULL, 'Austin', 'TX', '78704', 'US'),
    ('A1003', 3,  'delivered', '2026-11-17', '2026-11-17', '2026-11-18', NULL, '2026-11-19',
     'express', 'UPS', '1Z8V42E10391850117', 11200, 1495, 12695, 'USD',
     'Priya Patel', '915 Pine Street', 'Unit 12', 'Seattle', 'WA', '98101', 'US'),
    ('A1004', 4,  'cancelled', '2026-11-17', NULL, NULL, '2026-11-17', NULL,
     'standard', NULL, NULL, 11900, 0, 11900, 'USD',
     'Tom Becker', '1540 North Milwaukee Avenue', NULL, 'Chicago', 'IL', '60622', 'US'),
    ('A1005', 5,  'shipped',   '2026-11-18', '2026-11-19', NULL, NULL, '2026-11-24',
     'standard', 'USPS', '9400111899223847561023', 12700, 0, 12700, 'USD',
     'Sofia Garcia', '3301 Coral Way', NULL, 'Miami', 'FL', '33145', 'US'),
    ('A1006', 6,  'shipped',   '2026-11-16', '2026-11-17', NULL, NULL, '2026-11-25',
     'international', 'DHL Express', '4829175530', 16200, 0, 16200, 'USD',
     'Liam O''Connor', '14 Leeson Street Upper', NULL, 'Dublin', NULL, 'D04 X2Y8', 'IE'),
    ('A1007', 7,  'delivered', '2026-11-03', '2026-11-04', '2026-11-10', NULL, '2026-11-12',
     'international', 'DHL Express', '4829175012', 13700, 1995, 15695, 'USD',
     'Emma Schmidt', 'Leopoldstrasse 52', NULL, 'Munich', 'BY', '80802', 'DE'),
    ('A1008', 8,  'delivered', '2026-11-10', '2026-11-11', '2026-11-14', NULL, '2026-11-15',
     'standard', 'USPS', '9400111899223847560118', 11900, 0, 11900, 'USD',
     'Noah Kim', '2035 NE Alberta Street', NULL, 'Portland', 'OR', '97211', 'US'),
    ('A1009', 9,  'processing', '2026-11-21', NULL, NULL, NULL, '2026-12-03',
     'international', NULL, NULL, 11200, 1995, 13195, 'USD',
     'Chloe Martin', '88 Harbord Street', NULL, 'Toronto', 'ON', 'M5S 1G5', 'CA'),
    ('A1010', 5,  'processing', '2026-11-22', NULL, NULL, NULL, '2026-11-30',
     'standard', NULL, NULL, 2400, 595, 2995, 'USD',
     'Sofia Garcia', '3301 Coral Way', NULL, 'Miami', 'FL', '33145', 'US'),
    ('A1011', 10, 'shipped',   '2026-11-18', '2026-11-19', NULL, NULL, '2026-11-24',
     'standard', 'UPS', '1Z8V42E10391857734', 9200, 0, 9200, 'USD',
     'Daniel Okafor', '640 Ponce de Leon Avenue NE', NULL, 'Atlanta', 'GA', '30308', 'US'),
    ('A1012', 11, 'shipped',   '2026-11-19', '2026-11-20', NULL, NULL, '2026-11-25',
     'standard', 'USPS', NULL, 2800, 595, 3395, 'USD',
     'Hannah Lee', '1480 Pearl Street', NULL, 'Denver', 'CO', '80203', 'US'),
    ('A1013', 12, 'delivered', '2026-11-05', '2026-11-06', '2026-11-10', NULL, '2026-11-11',
     'standard', 'UPS', '1Z8V42E10391812009', 21400, 0, 21400, 'USD',
     'Oliver Brown', '251 West 87th Street', 'Apt 5B', 'New York', 'NY', '10024', 'US'),
    ('A1014', 12, 'cancelled', '2026-11-20', NULL, NULL, '2026-11-20', NULL,
     'standard', NULL, NULL, 9800, 0, 9800, 'USD',
     'Oliver Brown', '251 West 87th Street', 'Apt 5B', 'New York', 'NY', '10024', 'US'),
    ('A1015', 3,  'shipped',   '2026-11-19', '2026-11-20', NULL, NULL, '2026-11-25',
     'standard', 'UPS', '1Z8V42E10391861540', 6900, 595, 7495, 'USD',
     'Priya Patel', '915 Pine Street', 'Unit 12', 'Seattle', 'WA', '98101', 'US');

INSERT OR REPLACE INTO order_items (order_id, line_no, sku, product_name, size, colour, quantity, unit_price_cents) VALUES
    ('A0996', 1, 'MC-CHR-M',  'Everyday Merino Crew',            'M',         'Charcoal',     1, 6500),
    ('A1001', 1, 'TF-FGR-M',  'Trailhead Fleece Jacket',         'M',         'Forest green', 1, 8900),
    ('A1001', 2, 'WS3-GRY-M', 'Cloudstep Wool Socks (3-pack)',   'M',         'Heather grey', 1, 2400),
    ('A1002', 1, 'RS-SLB-L',  'Ridgeline Rain Shell',            'L',         'Slate blue',   1, 14900),
    ('A1003', 1, 'MW-NVY-S',  'Meadow Wrap Dress',               'S',         'Navy',         1, 8400),
    ('A1003', 2, 'AB-OAT-OS', 'Alpine Beanie',                   'One size',  'Oatmeal',      1, 2800),
    ('A1004', 1, 'DV-BLK-L',  'Summit Down Vest',                'L',         'Black',        1, 11900),
    ('A1005', 1, 'HL-WHT-S',  'Harbor Linen Shirt',              'S',         'White',        1, 5800),
    ('A1005', 2, 'TL-BLK-S',  'Trail Leggings',                  'S',         'Black',        1, 6900),
    ('A1006', 1, 'CD-IND-M',  'Coastline Denim Jacket',          'M',         'Indigo',       1, 9800),
    ('A1006', 2, 'FF-RPL-M',  'Field Flannel Shirt',             'M',         'Red plaid',    1, 6400),
    ('A1007', 1, 'MC-SGE-S',  'Everyday Merino Crew',            'S',         'Sage',         1, 6500),
    ('A1007', 2, 'CC-KHK-28', 'Canyon Chino',                    '28',        'Khaki',        1, 7200),
    ('A1008', 1, 'DV-OLV-M',  'Summit Down Vest',                'M',         'Olive',        1, 11900),
    ('A1009', 1, 'MW-BUR-M',  'Meadow Wrap Dress',               'M',         'Burgundy',     1, 8400),
    ('A1009', 2, 'AB-OAT-OS', 'Alpine Beanie',                   'One size',  'Oatmeal',      1, 2800),
    ('A1010', 1, 'WS3-GRY-L', 'Cloudstep Wool Socks (3-pack)',   'L',         'Heather grey', 1, 2400),
    ('A1011', 1, 'FF-BPL-XL', 'Field Flannel Shirt',             'XL',        'Blue plaid',   1, 6400),
    ('A1011', 2, 'AB-CHR-OS', 'Alpine Beanie',                   'One size',  'Charcoal',     1, 2800),
    ('A1012', 1, 'AB-RST-OS', 'Alpine Beanie',                   'One size',  'Rust',         1, 2800),
    ('A1013', 1, 'RS-BLK-M',  'Ridgeline Rain Shell',            'M',         'Black',        1, 14900),
    ('A1013', 2, 'MC-NVY-M',  'Everyday Merino Crew',            'M',         'Navy',         1, 6500),
    ('A1014', 1, 'CD-IND-L',  'Coastline Denim Jacket',          'L',         'Indigo',       1, 9800),
    ('A1015', 1, 'TL-NVY-M',  'Trail Leggings',                  'M',         'Navy',         1, 6900);

INSERT OR REPLACE INTO invoices (number, order_id, amount_cents, currency, issued_at, download_url) VALUES
    ('INV-2026-0996', 'A0996', 7095,  'USD', '2026-10-02', 'https://acme-outfitters.example/invoices/INV-2026-0996?key=k7Qm2xV9'),
    ('INV-2026-1001', 'A1001', 11300, 'USD', '2026-11-19', 'https://acme-outfitters.example/invoices/INV-2026-1001?key=p3Tz8wLc'),
    ('INV-2026-1003', 'A1003', 12695, 'USD', '2026-11-17', 'https://acme-outfitters.example/invoices/INV-2026-1003?key=Hq4nR6yd'),
    ('INV-2026-1005', 'A1005', 12700, 'USD', '2026-11-19', 'https://acme-outfitters.example/invoices/INV-2026-1005?key=Zb9sK2mf'),
    ('INV-2026-1006', 'A1006', 16200, 'USD', '2026-11-17', 'https://acme-outfitters.example/invoices/INV-2026-1006?key=c8Lw5Jxe'),
    ('INV-2026-1007', 'A1007', 15695, 'USD', '2026-11-04', 'https://acme-outfitters.example/invoices/INV-2026-1007?key=Vn3gT7qa'),
    ('INV-2026-1008', 'A1008', 11900, 'USD', '2026-11-11', 'https://acme-outfitters.example/invoices/INV-2026-1008?key=Ry6dM1uk'),
    ('INV-2026-1011', 'A1011', 9200,  'USD', '2026-11-19', 'https://acme-outfitters.example/invoices/INV-2026-1011?key=Fs2pX8ob'),
    ('INV-2026-1012', 'A1012', 3395,  'USD', '2026-11-20', 'https://acme-outfitters.example/invoices/INV-2026-1012?key=Ue5hB4nz'),
    ('INV-2026-1013', 'A1013', 21400, 'USD', '2026-11-06', 'https://acme-outfitters.example/invoices/INV-2026-1013?key=Gd7vQ3rw'),
    ('INV-2026-1015', 'A1015', 7495,  'USD', '2026-11-20', 'https://acme-outfitters.example/invoices/INV-2026-1015?key=Ja1cY9ts');

INSERT OR REPLACE INTO store_credit_ledger (id, customer_id, amount_cents, reason, order_id, created_at) VALUES
    (1, 1,  2500,  'Goodwill credit from customer care',             'A0996', '2026-10-09'),
    (2, 3,  4000,  'Return refunded as store credit',                NULL,    '2026-09-14'),
    (3, 7,  2000,  'Goodwill credit for a customs delay',            'A1007', '2026-11-11'),
    (4, 8,  1500,  'Welcome back credit',                            NULL,    '2026-10-20'),
    (5, 8,  -1500, 'Store credit used at checkout',                  'A1008', '2026-11-10'),
    (6, 13, 5000,  'Gift card redeemed to account (ACME-GC-7Q4M)',   NULL,    '2026-11-02');
