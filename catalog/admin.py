"""Staff admin for the catalog. Stock levels are saved through catalog.stock, like every
other stock change; products are re-indexed for search when saved."""

from django.contrib import admin, messages
from django.db.models import Sum
from django.urls import reverse
from django.utils.html import format_html

from catalog import search, stock
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


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


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
class ProductAdmin(admin.ModelAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search.index_products([form.instance.pk])


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
