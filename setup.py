"""Ship the top-level resources/ folder inside the wheel as the package `senref.resources`."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["senref", "senref.*"]), "senref.resources"],
    package_dir={"senref.resources": "resources"},
    package_data={"senref": ["py.typed"], "senref.resources": ["**/*"]},
    exclude_package_data={"senref.resources": ["**/__pycache__/*"]},
)
