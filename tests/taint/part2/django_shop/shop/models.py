"""Data model for the shop."""
from django.db import models


class Product(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)

    def __str__(self):
        return self.name


class Cart(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    currency = models.CharField(max_length=3, default="EUR")


class Order(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.PROTECT)
    reference = models.CharField(max_length=20, unique=True)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    invoice_pdf = models.BinaryField(blank=True)
