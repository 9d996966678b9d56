"""Staff admin for the catalog. Stock levels are saved through catalog.stock, like every
other stock change, and uploaded photos through catalog.photos; products are re-indexed for
search when saved."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from import_export.tmp_storages import CacheStorage

from catalog import photos, search, stock
from catalog.models import (
    LOW_STOCK_THRESHOLD,
    Brand,
    Category,
    InventorySyncRun,
    LowStockAlert,
    Product,
    ProductImage,
    ProductVariant,
    StockLevel,
    StockLocation,
)
from catalog.resources import CatalogResource, import_problems
from core.admin import JobsAdminMixin


class StockStatusFilter(admin.SimpleListFilter):
    title = "stock status"
    parameter_name = "stock_status"

    def lookups(self, request, model_admin):
        return [
            ("in_stock", "In stock"),
            ("low_stock", "Low stock"),
            ("out_of_stock", "Out of stock"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "in_stock":
            return queryset.filter(stock__gte=LOW_STOCK_THRESHOLD)
        if self.value() == "low_stock":
            return queryset.filter(stock__gt=0, stock__lt=LOW_STOCK_THRESHOLD)
        if self.value() == "out_of_stock":
            return queryset.filter(stock__lte=0)
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "position")
    list_filter = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search.index_products(obj.products.values_list("pk", flat=True))


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search.index_products(obj.products.values_list("pk", flat=True))


class ProductImageForm(forms.ModelForm):
    """A photo to upload, checked by catalog.photos (its refusal shown on the field), or a
    picture given by URL. A stored photo isn't swapped in place: delete it and add the new one,
    which gets URLs of its own."""

    file = forms.FileField(
        label="photo",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text="JPEG, PNG or WebP; at most 10 MB and 40 megapixels.",
    )

    class Meta:
        model = ProductImage
        fields = ("file", "url", "alt_text", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo = None
        if self.instance.file:
            self.fields["file"].disabled = True

    def clean(self):
        data = super().clean()
        upload = data.get("file") if "file" in self.changed_data else None
        if (upload or self.instance.file) and not (data.get("alt_text") or "").strip():
            self.add_error("alt_text", "Describe the photo for shoppers who can't see it.")
        if upload:
            try:
                self.photo = photos.validate_upload(upload)
            except photos.PhotoRejected as exc:
                self.add_error("file", str(exc.detail))
        elif not self.instance.file and not data.get("url") and not data.get("DELETE"):
            self.add_error("url", "Upload a photo or give the URL of a picture.")
        return data


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    extra = 0
    fields = ("preview", "file", "url", "alt_text", "position")
    readonly_fields = ("preview",)

    @admin.display(description="preview")
    def preview(self, image):
        if not image.pk:
            return ""
        return format_html('<img src="{}" alt="" width="80">', image.thumbnail_url)


class VariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = ("sku", "color", "size", "price_override", "position", "stock", "stock_link")
    readonly_fields = ("stock", "stock_link")

    @admin.display(description="stock by location")
    def stock_link(self, variant):
        if not variant.pk:
            return "Save first"
        url = reverse("admin:catalog_productvariant_change", args=[variant.pk])
        return format_html('<a href="{}">Edit stock</a>', url)


@admin.register(Product)
class ProductAdmin(ImportExportMixin, admin.ModelAdmin):
    list_display = ("name", "brand", "category", "price", "stock", "stock_status", "is_active")
    list_filter = (StockStatusFilter, "is_active", "category", "brand")
    list_select_related = ("brand", "category")
    search_fields = ("name", "slug", "variants__sku")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("stock", "rating", "reviews_count", "created_at", "updated_at")
    autocomplete_fields = ("brand", "category")
    inlines = [VariantInline, ProductImageInline]
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over the whole catalog on each page
    # Import and export of the catalog file (catalog/imports.py): Import shows a dry run with
    # each row's problems or changes, and Confirm writes the file, all of it or nothing.
    resource_classes = [CatalogResource]
    import_formats = export_formats = [CSV, XLSX]
    export_form_class = ExportForm  # the file's columns are fixed: nothing to pick
    import_template_name = "admin/catalog/product/import.html"
    tmp_storage_class = CacheStorage  # the upload waits for Confirm where every server finds it
    to_encoding = "utf-8-sig"  # a BOM, so spreadsheet programs read the CSV as UTF-8

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def process_result(self, result, request):
        if problems := import_problems(result):
            # Checked again on Confirm: the catalog changed since the preview, or writing failed.
            messages.error(request, f"Nothing was imported: {problems}.")
            return redirect("admin:catalog_product_import")
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        messages.success(request, f"Import finished: {result.summary}.")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search.index_products([form.instance.pk])

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProductImage:
            return super().save_formset(request, form, formset, change)
        images = formset.save(commit=False)
        for image in formset.deleted_objects:
            image.delete()  # its files go once that commits (catalog.photos.forget_files)
        uploads = {id(f.instance): f.photo for f in formset.forms if getattr(f, "photo", None)}
        for image in images:
            photo = uploads.get(id(image))
            if photo is None:
                image.save()
            else:
                photos.save_photo(
                    product=form.instance,
                    photo=photo,
                    alt_text=image.alt_text,
                    position=image.position,
                )


class StockLevelInline(admin.TabularInline):
    model = StockLevel
    extra = 1
    fields = ("location", "quantity", "updated_at")
    readonly_fields = ("updated_at",)


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    list_display = ("sku", "product", "color", "size", "price", "stock")
    list_select_related = ("product",)
    search_fields = ("sku", "product__name")
    readonly_fields = ("stock",)
    raw_id_fields = ("product",)
    inlines = [StockLevelInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not StockLevel:
            return super().save_formset(request, form, formset, change)
        # Through the stock service, so totals stay right and the change is announced.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for level_form in formset.forms:
            if not level_form.has_changed() or not level_form.cleaned_data:
                continue
            data = level_form.cleaned_data
            quantity = 0 if data.get("DELETE") else data["quantity"]
            try:
                stock.set_stock_level(
                    sku=form.instance.sku, location_id=data["location"].pk, quantity=quantity
                )
            except stock.InsufficientStock as exc:
                messages.error(request, str(exc.detail))


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ("variant", "location", "quantity", "updated_at")
    list_editable = ("quantity",)
    list_filter = ("location",)
    list_select_related = ("variant__product", "location")
    search_fields = ("variant__sku", "variant__product__name")
    raw_id_fields = ("variant",)
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        stock.set_stock_level(
            sku=obj.variant.sku, location_id=obj.location_id, quantity=obj.quantity
        )

    def has_delete_permission(self, request, obj=None):
        return False  # set the quantity to 0 instead, through the stock service


@admin.register(StockLocation)
class StockLocationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "city", "is_active", "total_units")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "city")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(units=Sum("stock_levels__quantity"))

    @admin.display(description="units in stock", ordering="units")
    def total_units(self, location):
        return location.units or 0


@admin.register(InventorySyncRun)
class InventorySyncRunAdmin(JobsAdminMixin, admin.ModelAdmin):
    list_display = ("started_at", "source", "rows", "applied", "unchanged", "skipped", "failure")
    readonly_fields = (
        "source",
        "started_at",
        "finished_at",
        "rows",
        "applied",
        "unchanged",
        "skipped",
        "errors",
        "failure",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LowStockAlert)
class LowStockAlertAdmin(JobsAdminMixin, admin.ModelAdmin):
    list_display = (
        "variant",
        "product_name",
        "quantity",
        "current_stock",
        "status",
        "created_at",
        "resolved_at",
    )
    list_filter = ("status",)
    list_select_related = ("variant__product",)
    search_fields = ("variant__sku", "variant__product__name")
    readonly_fields = ("variant", "quantity", "status", "created_at", "resolved_at")

    @admin.display(description="product")
    def product_name(self, alert):
        return alert.variant.product.name

    @admin.display(description="in stock now")
    def current_stock(self, alert):
        url = reverse("admin:catalog_productvariant_change", args=[alert.variant_id])
        return format_html('<a href="{}">{} (restock)</a>', url, alert.variant.stock)

    def has_add_permission(self, request):
        return False
