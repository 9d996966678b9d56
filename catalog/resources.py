"""The catalog file (catalog.imports) in django-import-export's admin flow: upload a file, see
a dry run listing each row's problems or changes, confirm; and export the catalog.

The rows are read and checked as a whole by catalog.imports (duplicate SKUs and a product's
rows agreeing need the whole file), and written by it only on confirm and only when no row has
a problem: any problem, or an error while writing, leaves the catalog as it was.
"""

import structlog
import tablib
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result, RowResult

from catalog import imports
from catalog.models import Product

log = structlog.get_logger(__name__)

_ROW_RESULTS = {
    imports.NEW: RowResult.IMPORT_TYPE_NEW,
    imports.UPDATE: RowResult.IMPORT_TYPE_UPDATE,
    imports.SKIP: RowResult.IMPORT_TYPE_SKIP,
}


class CatalogRowResult(RowResult):
    line = 0  # in the file, whose header is line 1


class CatalogResult(Result):
    summary: imports.ImportSummary | None = None  # what the file changes (or changed)


class CatalogResource(resources.Resource):
    class Meta:
        use_transactions = True
        instance_loader_class = BaseInstanceLoader  # never asked: catalog.imports reads rows
        report_skipped = False  # the preview lists the rows that change something

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.catalog: imports.CatalogImport | None = None
        self.columns = list(imports.COLUMNS)
        self.dry_run = True

    @classmethod
    def get_display_name(cls) -> str:
        return "Products with variants"

    def get_result_class(self):
        return CatalogResult

    def get_row_result_class(self):
        return CatalogRowResult

    def get_user_visible_fields(self):
        names = (*imports.COLUMNS, f"{imports.STOCK_PREFIX}<location name>")
        return [Field(column_name=name) for name in names]

    def get_diff_headers(self):
        return self.columns

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        dataset.headers = imports.column_names(dataset.headers)
        self.columns = [name for name in dataset.headers if name]
        self.dry_run = dry_run
        # One transaction, rolled back by any row's problem, on confirm as in the dry run.
        kwargs.update(use_transactions=True, rollback_on_validation_errors=True)
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def before_import(self, dataset, **kwargs):
        self.catalog = imports.read_catalog(headers=dataset.headers, rows=dataset)

    def import_row(self, row, instance_loader, **kwargs):
        result = self.get_row_result_class()()
        if self.catalog is None:  # the file was refused as a whole: its error says why
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        check = self.catalog.rows[kwargs["row_number"] - 1]
        result.line = check.line
        if check.errors:
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = ValidationError(check.errors)
            return result
        result.import_type = _ROW_RESULTS[check.action]
        result.diff = [_preview_cell(check, column) for column in self.columns]
        return result

    def after_import(self, dataset, result, **kwargs):
        if self.catalog is None:
            return
        result.summary = self.catalog.summary
        if self.dry_run or result.has_errors() or result.has_validation_errors():
            return
        try:
            imports.apply_catalog(self.catalog)
        except Exception:
            log.exception("catalog_import_failed", rows=len(self.catalog.rows))
            raise  # reported as the import's error; the transaction rolls back
        for row_result in result.rows:  # for the admin's history of each variant
            row_result.instance = self.catalog.rows[row_result.line - 2].target
            row_result.add_instance_info(row_result.instance)

    def export(self, queryset=None, **kwargs):
        products = Product.objects.all() if queryset is None else queryset
        headers, rows = imports.catalog_rows(products)
        return tablib.Dataset(*rows, headers=headers)


def _preview_cell(check: imports.RowCheck, column: str):
    if check.action != imports.NEW and column in check.changes:
        before, after = check.changes[column]
        return format_html("<del>{}</del> <ins>{}</ins>", before, after)
    return check.cells.get(column, "")


def import_problems(result, *, most: int = 5) -> str:
    """Why an import wrote nothing, in a sentence; "" when it had no problem."""
    problems = [str(error.error) for error in result.base_errors]
    problems += [
        f"line {error.number + 1}: {error.error}" for row in result.rows for error in row.errors
    ]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            where = "" if column == imports.ROW else f" {column}"
            problems += [f"line {row.number + 1}{where}: {message}" for message in messages]
    if len(problems) > most:
        problems = [*problems[:most], f"and {len(problems) - most} more"]
    return "; ".join(problems)
