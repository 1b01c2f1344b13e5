# pbequity — `make run` builds and serves the demo; `make test` runs every test.
GO      ?= go
BIN     := bin/pbequity
DB      ?= pbequity.duckdb
ADDR    ?= 127.0.0.1:8080
VENDOR  := reports/assets/vendor
ASSETS  := $(VENDOR)/echarts.min.js $(VENDOR)/Vazirmatn-Regular.woff2 $(VENDOR)/Vazirmatn-Bold.woff2
# Packages that must never link DuckDB.
PURE    := ./analytics/... ./reports/... ./server/... ./ingest/...
TESTFLAGS ?= -timeout 20m
# Uploads reach DuckDB through its Arrow interface (queries/bulk_arrow.go),
# which the driver builds only with this tag; without it, builds fall back
# to a slower single-threaded path (queries/bulk_chunk.go). Every go command
# run by make, and by the tests it starts, gets the tag.
export GOFLAGS := $(strip $(GOFLAGS) -tags=duckdb_arrow)
STATICCHECK := v0.6.1

.PHONY: all run build test check assets bench fuzz load clean

all: build

## run: build and serve the demo on $(ADDR) from $(DB)
run: build
	./$(BIN) serve --addr $(ADDR) --db $(DB)

## build: the one binary, with the browser assets embedded
build: $(ASSETS)
	$(GO) build -o $(BIN) ./cmd/pbequity

## assets: echarts and the Vazirmatn font from the npm registry (package-lock.json)
assets: $(ASSETS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ASSETS): node_modules/.package-lock.json
	@mkdir -p $(VENDOR)
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp node_modules/vazirmatn/fonts/webfonts/Vazirmatn-Regular.woff2 node_modules/vazirmatn/fonts/webfonts/Vazirmatn-Bold.woff2 $(VENDOR)/
	cp node_modules/vazirmatn/OFL.txt $(VENDOR)/Vazirmatn-OFL.txt

## test: every test, with the browser assets in place; then the queries
## package again without the Arrow tag, for its fallback load path
test: $(ASSETS) check-imports
	$(GO) test $(TESTFLAGS) ./...
	GOFLAGS= $(GO) test $(TESTFLAGS) ./queries

## check: vet, gofmt, staticcheck and the import rule
check: check-imports
	$(GO) vet ./...
	GOFLAGS= $(GO) vet ./queries
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK) ./...

## check-imports: analytics, reports, server and ingest never link DuckDB
check-imports:
	@bad=$$($(GO) list -deps $(PURE) | grep -E 'duckdb|pbequity/queries' || true); \
	if [ -n "$$bad" ]; then echo "forbidden imports in $(PURE):"; echo "$$bad"; exit 1; fi; \
	echo "import rule ok: $(PURE) do not link DuckDB"

## bench: benchmarks, figures as ratios against baselines measured in the same run
bench: $(ASSETS)
	$(GO) test -run '^$$' -bench . -benchtime 3x -timeout 60m ./...

## load: the service under load on 127.0.0.1 for $(LOAD_TIME) (cached report, indicators, SQL while uploads run)
LOAD_TIME ?= 10s
load: build
	./$(BIN) load --duration $(LOAD_TIME)

## fuzz: every fuzz target for a bounded time
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin node_modules $(VENDOR)
