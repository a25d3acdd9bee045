"""Pacer analytics"""
